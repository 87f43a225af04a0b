/**
 * Ships pino's JSON lines to the telemetry collector as OTLP/HTTP JSON logs: batched, on a timer,
 * with a bounded buffer. The process never waits for the collector and never fails because of it:
 * when the collector is down or slow, lines beyond the buffer are dropped (and counted).
 */
import { counter } from "./metrics.ts";

export interface LogShipperOptions {
  /** Full URL of the collector's OTLP logs endpoint, e.g. `http://127.0.0.1:21970/v1/logs`. */
  url: string;
  service: string;
  /** Sent with every batch: the collector's ingest token (`authorization: Bearer …`). */
  headers?: Record<string, string>;
  /** Lines held while the collector is unreachable; older lines are dropped first. */
  maxBuffered?: number;
  /** Lines per request. */
  batchSize?: number;
  flushEveryMs?: number;
  timeoutMs?: number;
  /** Injected in tests. */
  fetch?: typeof fetch;
}

export interface LogShipper {
  /** pino destination interface: one JSON line per call. */
  write(line: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly dropped: number;
  readonly buffered: number;
}

const SEVERITY: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };
const shipped = () =>
  counter({
    name: "log_lines_shipped_total",
    help: "Log lines sent to the telemetry collector, by outcome",
    labelNames: ["outcome"] as const,
  });

type Attr = { key: string; value: Record<string, unknown> };

function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  return { stringValue: JSON.stringify(v) };
}

/** One pino line → one OTLP log record (trace ids become the record's own fields). */
export function toOtlpLogRecord(line: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    // Not a JSON line (pino only writes JSON): nothing to ship; the line still reached stdout.
    void err;
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { level, time, msg, trace_id, span_id, service, pid, ...rest } = parsed as Record<string, unknown>;
  void service;
  void pid;
  const ms = typeof time === "string" ? Date.parse(time) : typeof time === "number" ? time : Date.now();
  const attributes: Attr[] = Object.entries(rest).map(([key, value]) => ({ key, value: anyValue(value) }));
  const levelName = typeof level === "string" ? level : "info";
  return {
    timeUnixNano: String(BigInt(Number.isFinite(ms) ? ms : Date.now()) * 1_000_000n),
    severityText: levelName,
    severityNumber: SEVERITY[levelName] ?? 9,
    body: { stringValue: typeof msg === "string" ? msg : "" },
    ...(typeof trace_id === "string" ? { traceId: trace_id } : {}),
    ...(typeof span_id === "string" ? { spanId: span_id } : {}),
    attributes,
  };
}

export function createLogShipper(options: LogShipperOptions): LogShipper {
  const maxBuffered = options.maxBuffered ?? 5_000;
  const batchSize = options.batchSize ?? 200;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const doFetch = options.fetch ?? fetch;
  const buffer: string[] = [];
  let dropped = 0;
  let inFlight: Promise<void> | undefined;

  const send = async (): Promise<void> => {
    while (buffer.length > 0) {
      const lines = buffer.splice(0, batchSize);
      const records = lines.map(toOtlpLogRecord).filter((r) => r !== undefined);
      const body = {
        resourceLogs: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: options.service } }] },
            scopeLogs: [{ scope: { name: "pino" }, logRecords: records }],
          },
        ],
      };
      try {
        const res = await doFetch(options.url, {
          method: "POST",
          headers: { ...options.headers, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) throw new Error(`collector answered ${res.status}`);
        shipped().inc({ outcome: "ok" }, lines.length);
      } catch (err) {
        // Collector down: drop this batch rather than retry forever; the lines are on stdout.
        void err;
        dropped += lines.length;
        shipped().inc({ outcome: "dropped" }, lines.length);
        return;
      }
    }
  };

  const flush = (): Promise<void> => {
    inFlight ??= send().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  // Armed by the first line of a batch, not a fixed interval: an idle process that logs nothing
  // has no timer waking it every second (one per Node process of the product). A line written
  // while a batch is being sent is picked up by that send's loop.
  const flushEveryMs = options.flushEveryMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const armTimer = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush().finally(() => {
        if (buffer.length > 0) armTimer();
      });
    }, flushEveryMs);
    timer.unref(); // never keeps a finishing process alive
  };

  return {
    write(line: string) {
      buffer.push(line);
      if (buffer.length > maxBuffered) {
        const over = buffer.length - maxBuffered;
        buffer.splice(0, over);
        dropped += over;
      }
      if (buffer.length >= batchSize && !inFlight) void flush();
      else armTimer();
    },
    flush,
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await flush();
    },
    get dropped() {
      return dropped;
    },
    get buffered() {
      return buffer.length;
    },
  };
}

// The process-wide shipper that `createLogger` tees into (set by `startTelemetry`).
const SHIPPER_KEY = Symbol.for("@agora/telemetry/log-shipper");
const slot = globalThis as typeof globalThis & { [SHIPPER_KEY]?: LogShipper };

export function installLogShipper(shipper: LogShipper | undefined): void {
  slot[SHIPPER_KEY] = shipper;
}

export function activeLogShipper(): LogShipper | undefined {
  return slot[SHIPPER_KEY];
}
