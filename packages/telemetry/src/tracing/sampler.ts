/**
 * Head sampling that never loses an error trace. The sampler keeps a ratio of new traces
 * (`AGORA_TRACE_SAMPLE_RATE`) as "sampled" and RECORDS the rest without the sampled flag;
 * `ErrorKeepingProcessor` then exports the unsampled spans of a trace only once one of them ended
 * with an error. Children follow their parent's decision, so a trace is kept or dropped whole.
 */
import { type Attributes, type Context, SpanKind, SpanStatusCode, trace, TraceFlags } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import {
  type ReadableSpan,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  type Span,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { isIncomingNoise, isOutgoingNoise } from "./noise.ts";

/** Parses `AGORA_TRACE_SAMPLE_RATE` (0..1, default 1); a wrong value fails fast, naming the var. */
export function sampleRateFromEnv(value = process.env.AGORA_TRACE_SAMPLE_RATE): number {
  if (value === undefined || value === "") return 1;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`AGORA_TRACE_SAMPLE_RATE must be a number between 0 and 1, got "${value}"`);
  }
  return rate;
}

/**
 * The first `perSecond` new traces of each second are kept whatever the ratio says (AWS X-Ray's
 * "reservoir", Jaeger's rate-limiting sampler): a person trying the product, or a test making a
 * few requests, always finds their trace, while a burst of thousands exports only the ratio of it.
 * Per process: a trace's root decides, its children follow the propagated flag.
 */
export class Reservoir {
  private second = -1;
  private taken = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(): boolean {
    if (this.perSecond <= 0) return false;
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.taken = 0;
    }
    if (this.taken >= this.perSecond) return false;
    this.taken++;
    return true;
  }
}

/** Deterministic per trace id (its last 8 hex digits), so every process decides alike. */
export function traceIdBelowRate(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const bucket = Number.parseInt(traceId.slice(-8), 16) / 0x1_0000_0000;
  return bucket < rate;
}

const NOISE_STATE_KEY = "agora";
const NOISE_STATE_VALUE = "noise";

function isNoiseTarget(attributes: Attributes): boolean {
  const target = attributes["http.target"] ?? attributes["url.path"];
  if (typeof target !== "string") return false;
  const query = attributes["url.query"];
  return isIncomingNoise(typeof query === "string" && query ? `${target}?${query}` : target);
}

/**
 * A span that starts a trace but is housekeeping, not a request: Next.js's own span for a server's
 * readiness probe of itself (`fetch GET http://…/readyz`, every 5 s, which no instrumentation hook
 * of ours sees).
 */
function isNoiseRoot(name: string): boolean {
  const m = /^fetch [A-Z]+ (\S+)$/.exec(name);
  if (!m?.[1]) return false;
  try {
    const url = new URL(m[1]);
    return isOutgoingNoise(`${url.pathname}${url.search}`);
  } catch {
    return false;
  }
}

/**
 * A database call outside any traced operation (a pool's or a timer's query: the maintenance
 * loops made ~1.8 such traces a second at idle). Recorded, so an error still keeps it, but never
 * sampled by the ratio or the reservoir.
 */
const isUnparentedQuery = (name: string) => name.startsWith("prisma:");

export class ErrorKeepingSampler implements Sampler {
  constructor(
    private readonly rate: number,
    private readonly reservoir: Reservoir = new Reservoir(0),
  ) {}

  shouldSample(
    context: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    // A probe or a scrape (Next's own request span for /healthz, /readyz, /api/metrics, which no
    // request hook reaches) is not recorded at all, and neither is anything under it: the mark
    // in its trace state is what its children see, since a dropped span has no sampled flag to follow.
    if (parent?.traceState?.get(NOISE_STATE_KEY) === NOISE_STATE_VALUE)
      return { decision: SamplingDecision.NOT_RECORD, traceState: parent.traceState };
    if (
      (!parent && isNoiseRoot(name)) ||
      ((!parent || parent.isRemote) && kind === SpanKind.SERVER && isNoiseTarget(attributes))
    )
      return {
        decision: SamplingDecision.NOT_RECORD,
        traceState: (parent?.traceState ?? new TraceState()).set(NOISE_STATE_KEY, NOISE_STATE_VALUE),
      };
    const sampled = parent
      ? (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED
      : !isUnparentedQuery(name) && (traceIdBelowRate(traceId, this.rate) || this.reservoir.take());
    // RECORD (not drop) the rest: an error later in the trace must still be able to keep it.
    return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.RECORD };
  }

  toString(): string {
    return `ErrorKeepingSampler{rate=${this.rate}}`;
  }
}

export interface ErrorKeepingOptions {
  /** Unsampled traces held in memory while waiting to learn whether one of their spans fails. */
  maxPendingTraces?: number;
  /** Spans held per pending trace (a runaway loop must not fill the heap). */
  maxSpansPerTrace?: number;
}

/**
 * Forwards sampled spans to `next` at once; holds unsampled spans per trace (bounded, oldest trace
 * evicted first) and forwards a trace's held spans, and its later ones, as soon as any span of it
 * ends with status ERROR.
 */
export class ErrorKeepingProcessor implements SpanProcessor {
  private readonly pending = new Map<string, ReadableSpan[]>();
  private readonly kept = new Set<string>();
  private readonly maxPending: number;
  private readonly maxSpans: number;

  constructor(
    private readonly next: SpanProcessor,
    options: ErrorKeepingOptions = {},
  ) {
    this.maxPending = options.maxPendingTraces ?? 1000;
    this.maxSpans = options.maxSpansPerTrace ?? 200;
  }

  onStart(span: Span, parentContext: Context): void {
    if (isSampled(span)) this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (isSampled(span)) {
      this.next.onEnd(span);
      return;
    }
    const traceId = span.spanContext().traceId;
    if (this.kept.has(traceId)) {
      this.next.onEnd(asSampled(span));
      return;
    }
    if (span.status.code === SpanStatusCode.ERROR) {
      for (const held of this.pending.get(traceId) ?? []) this.next.onEnd(asSampled(held));
      this.pending.delete(traceId);
      this.next.onEnd(asSampled(span));
      this.remember(traceId);
      return;
    }
    const held = this.pending.get(traceId);
    if (held) {
      if (held.length < this.maxSpans) held.push(span);
      return;
    }
    this.pending.set(traceId, [span]);
    if (this.pending.size > this.maxPending) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    this.pending.clear();
    return this.next.shutdown();
  }

  /** Pending traces (for tests and the process's own metrics). */
  pendingTraces(): number {
    return this.pending.size;
  }

  private remember(traceId: string): void {
    this.kept.add(traceId);
    if (this.kept.size > this.maxPending) {
      const oldest = this.kept.values().next().value;
      if (oldest !== undefined) this.kept.delete(oldest);
    }
  }
}

function isSampled(span: { spanContext(): { traceFlags: number } }): boolean {
  return (span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}

/** The SDK's exporting processors skip unsampled spans; a kept error trace is exported as sampled. */
function asSampled(span: ReadableSpan): ReadableSpan {
  const ctx = span.spanContext();
  const sampledCtx = { ...ctx, traceFlags: ctx.traceFlags | TraceFlags.SAMPLED };
  return new Proxy(span, {
    get(target, prop, receiver) {
      if (prop === "spanContext") return () => sampledCtx;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
