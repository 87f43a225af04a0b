/**
 * W3C Trace Context (`traceparent`) without the OpenTelemetry SDK: ids are generated and parsed
 * here, carried across async boundaries with AsyncLocalStorage and across BullMQ with job data.
 * When an OTel span IS active (an SDK was registered), it wins over the ids stored here.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { context as otelContext, isSpanContextValid, trace } from "@opentelemetry/api";

export interface TraceContext {
  /** 32 lowercase hex chars, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex chars, not all zero. */
  readonly spanId: string;
  /** 8-bit flags; bit 0 is "sampled". */
  readonly traceFlags: number;
}

export const TRACE_FLAG_SAMPLED = 0x01;

/** Key under which trace context travels inside BullMQ job data. */
export const JOB_TRACE_KEY = "_trace";

export interface JobTraceCarrier {
  readonly [JOB_TRACE_KEY]: { readonly traceparent: string };
}

// Version 00 only: a newer version may add fields we cannot validate, so we treat it as absent.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

function randomHexId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString("hex");
    if (!ALL_ZERO.test(id)) return id; // all-zero ids are invalid per the spec
  }
}

export function newTraceContext(sampled = true): TraceContext {
  return {
    traceId: randomHexId(16),
    spanId: randomHexId(8),
    traceFlags: sampled ? TRACE_FLAG_SAMPLED : 0,
  };
}

/** Same trace, new span: what a callee (an HTTP handler, a job) uses for its own work. */
export function childOf(parent: TraceContext): TraceContext {
  return { traceId: parent.traceId, spanId: randomHexId(8), traceFlags: parent.traceFlags };
}

/** A child of `parent` when the caller sent one, otherwise the root of a new trace. */
export function continueTrace(parent: TraceContext | undefined): TraceContext {
  return parent ? childOf(parent) : newTraceContext();
}

/**
 * Strict parse of a `traceparent` header. Returns `undefined` (never throws) for anything that is
 * not exactly one valid version-00 value, so a bad header from a client just starts a new trace.
 */
export function parseTraceparent(
  header: string | readonly string[] | null | undefined,
): TraceContext | undefined {
  // Node gives repeated headers as an array; more than one traceparent is invalid.
  const value = typeof header === "string" ? header : header?.length === 1 ? header[0] : undefined;
  if (typeof value !== "string") return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match;
  if (!traceId || !spanId || !flags || ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) {
    return undefined;
  }
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

export function formatTraceparent(ctx: TraceContext): string {
  const flags = (ctx.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${ctx.traceId}-${ctx.spanId}-${flags}`;
}

/** Returns a copy of `data` carrying `ctx`; job data must stay JSON, so it is stored as a string. */
export function injectIntoJobData<T extends object>(
  data: T,
  ctx: TraceContext,
): T & JobTraceCarrier {
  return { ...data, [JOB_TRACE_KEY]: { traceparent: formatTraceparent(ctx) } };
}

/** The producer's trace context from job data, or `undefined` if absent or malformed. */
export function extractFromJobData(data: unknown): TraceContext | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const carrier: unknown = (data as Record<string, unknown>)[JOB_TRACE_KEY];
  if (typeof carrier !== "object" || carrier === null) return undefined;
  const traceparent: unknown = (carrier as Record<string, unknown>).traceparent;
  return typeof traceparent === "string" ? parseTraceparent(traceparent) : undefined;
}

const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` with `ctx` as the current trace context for everything it awaits or schedules. */
export function withTraceContext<R>(ctx: TraceContext, fn: () => R): R {
  return storage.run(ctx, fn);
}

/**
 * The trace context in effect: the active OTel span's when an SDK has made one active, otherwise
 * the one set by `withTraceContext`, otherwise `undefined`.
 */
export function currentTraceContext(): TraceContext | undefined {
  const span = trace.getSpanContext(otelContext.active());
  if (span && isSpanContextValid(span)) {
    return { traceId: span.traceId, spanId: span.spanId, traceFlags: span.traceFlags };
  }
  return storage.getStore();
}

/**
 * Runs `fn` as the handling of one incoming request: inside the active span's trace when an SDK
 * made one (Next's server span), else a child of the caller's `traceparent`, else a new trace. So
 * every request has a trace id that its log lines and its error answers (the id a user quotes)
 * share, also in a process without an SDK.
 */
export function withRequestTrace<R>(headers: Headers, fn: () => R): R {
  if (currentTraceContext()) return fn();
  return withTraceContext(continueTrace(parseTraceparent(headers.get("traceparent"))), fn);
}
