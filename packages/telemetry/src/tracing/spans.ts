/**
 * Spans for our own boundaries (tRPC procedures, saga jobs, outbox consumers): a span that records
 * the outcome and the exception, and ways to continue a trace that arrived in job data or in an
 * outbox row's `headers`.
 */
import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import {
  currentTraceContext,
  formatTraceparent,
  parseTraceparent,
  type TraceContext,
  withTraceContext,
} from "../trace-context.ts";

export { SpanKind };

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Start from this remote parent (job data, outbox headers) instead of the active span. */
  parent?: TraceContext;
}

/**
 * Runs `fn` inside a new active span named `name`; sets `agora.outcome` = ok|error, marks the span
 * ERROR and records the exception when `fn` throws (then rethrows).
 */
export async function inSpan<R>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<R>,
): Promise<R> {
  const tracer = trace.getTracer("agora");
  const parentCtx = options.parent
    ? trace.setSpanContext(ROOT_CONTEXT, { ...options.parent, isRemote: true })
    : context.active();
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parentCtx,
    async (span) => {
      // Without an SDK the span is a no-op; keep the ids for logs via our own context.
      const run = () => fn(span);
      const work = span.isRecording() || !options.parent ? run() : withTraceContext(options.parent, run);
      try {
        const result = await work;
        span.setAttribute("agora.outcome", "ok");
        return result;
      } catch (err) {
        span.setAttribute("agora.outcome", "error");
        span.recordException(err instanceof Error ? err : new Error(String(err)));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Runs `fn` with tracing suppressed: no span is recorded for it or for anything it calls (Prisma,
 * pg, http, undici). For a loop's "nothing to do" look that runs every second or so while the
 * product is idle (the outbox relay's peek, the payment provider probe): each round was a trace
 * of several spans exported to the collector and written to Redis, the larger part of what an
 * idle product traced. A round that finds work runs outside `untraced` and is traced as before.
 */
export function untraced<R>(fn: () => R): R {
  return context.with(suppressTracing(context.active()), fn);
}

/** `{ traceparent }` of the current trace, for an outbox row's `headers` (or `{}` outside one). */
export function traceHeaders(): { traceparent?: string } {
  const ctx = currentTraceContext();
  return ctx ? { traceparent: formatTraceparent(ctx) } : {};
}

/** The trace context stored in an outbox row's `headers` jsonb, if any. */
export function traceFromHeaders(headers: unknown): TraceContext | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  const value: unknown = (headers as Record<string, unknown>).traceparent;
  return typeof value === "string" ? parseTraceparent(value) : undefined;
}
