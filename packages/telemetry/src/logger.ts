/**
 * Structured JSON logs (pino) that carry the current trace id, so a log line can be joined to its
 * trace in the ops console. One JSON object per line on stdout unless a destination is given.
 */
import { pino, type DestinationStream, type Level, type Logger } from "pino";
import { activeLogShipper } from "./log-shipper.ts";
import { currentTraceContext } from "./trace-context.ts";

export type { Logger } from "pino";

/**
 * Keys whose values never reach a log line. pino's redaction matches exact paths (`*` is one
 * level), so the common nestings (`req.headers.*`, `input.*`, `user.*`) are listed explicitly.
 * Emails are PII: the database keeps them sealed (ADR 0007) and logs must not undo that, so they
 * are redacted too: log the user id instead.
 */
export const REDACTED_PATHS: readonly string[] = [
  "password",
  "*.password",
  "*.*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "cookie",
  "*.cookie",
  "req.headers.cookie",
  'headers["set-cookie"]',
  'res.headers["set-cookie"]',
  "card.number",
  "card.cvc",
  "*.card.number",
  "*.card.cvc",
  "email",
  "*.email",
  "*.*.email",
];

export const REDACTED = "[REDACTED]";

export interface CreateLoggerOptions {
  /** Service name on every line, e.g. `web`, `workers`, `payment-sim`. */
  service: string;
  /** Defaults to `LOG_LEVEL` or `info`. */
  level?: Level | "silent";
  /** Where lines go; defaults to stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
  /** Extra redaction paths for a service's own secrets, added to `REDACTED_PATHS`. */
  redact?: readonly string[];
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as Level | undefined) ?? "info";
  const pinoOptions = {
    level,
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names instead of numbers: log search and the ops console filter on "error", not 50.
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: traceFields,
    redact: { paths: [...REDACTED_PATHS, ...(options.redact ?? [])], censor: REDACTED },
  };
  return pino(pinoOptions, options.destination ?? stdoutAndCollector);
}

/**
 * stdout, plus the collector once `startTelemetry` installed a shipper; looked up per line so a
 * logger made at import time (before start-up) still ships.
 */
const stdoutAndCollector: DestinationStream = {
  write(line: string) {
    process.stdout.write(line);
    activeLogShipper()?.write(line);
  },
};

function traceFields(): Record<string, string> {
  const ctx = currentTraceContext();
  return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}

/** A child logger whose every line names the tenant (vendor) it is acting for. */
export function bindTenant(logger: Logger, tenant: string): Logger {
  return logger.child({ tenant });
}

/** A child logger whose every line names the acting user (by id, never by email). */
export function bindUser(logger: Logger, user: string): Logger {
  return logger.child({ user });
}
