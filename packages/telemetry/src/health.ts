/**
 * `/healthz` (live: the process can answer) and `/readyz` (its dependencies answer in time).
 * Readiness runs every check in parallel with its own timeout, so one hung dependency makes the
 * probe fail fast with a reason instead of hanging the probe.
 */
import { untraced } from "./tracing/spans.ts";

/** A dependency check: resolve if usable, reject with a reason if not. Abort work on `signal`. */
export type HealthCheck = (signal: AbortSignal) => Promise<void>;

export interface HealthOptions {
  checks: Record<string, HealthCheck>;
  /** Per check. */
  timeoutMs: number;
}

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface LiveResponse {
  status: 200;
  body: { live: true };
}

export interface ReadyResponse {
  status: 200 | 503;
  body: { ready: boolean; checks: Record<string, CheckResult> };
}

export interface HealthHandlers {
  live(): LiveResponse;
  ready(): Promise<ReadyResponse>;
}

export class HealthCheckTimeoutError extends Error {
  readonly code = "HEALTH_CHECK_TIMEOUT";
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs}ms`);
    this.name = "HealthCheckTimeoutError";
  }
}

export function healthHandlers(options: HealthOptions): HealthHandlers {
  return {
    live: () => ({ status: 200, body: { live: true } }),
    async ready() {
      // Not traced, like the /readyz request itself: probes come every few seconds, and a check's
      // Prisma or http calls would otherwise start a trace of their own each time.
      const entries = await untraced(() =>
        Promise.all(
          Object.entries(options.checks).map(
            async ([name, check]) => [name, await runCheck(check, options.timeoutMs)] as const,
          ),
        ),
      );
      const checks = Object.fromEntries(entries);
      const ready = entries.every(([, result]) => result.ok);
      return { status: ready ? 200 : 503, body: { ready, checks } };
    },
  };
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new HealthCheckTimeoutError(timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    // Promise.resolve().then: a check that throws synchronously is a failed check, not a crash.
    await Promise.race([Promise.resolve().then(() => check(controller.signal)), timeout]);
    return { ok: true, ms: elapsed(started) };
  } catch (err) {
    return { ok: false, ms: elapsed(started), error: reason(err) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function reason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
