import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import {
  ErrorKeepingProcessor,
  ErrorKeepingSampler,
  Reservoir,
  sampleRateFromEnv,
  traceIdBelowRate,
} from "./sampler.ts";

function setup(rate: number, options = {}, reservoir?: Reservoir) {
  const exporter = new InMemorySpanExporter();
  const processor = new ErrorKeepingProcessor(new SimpleSpanProcessor(exporter), options);
  const provider = new BasicTracerProvider({
    sampler: new ErrorKeepingSampler(rate, reservoir),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer("test");
  const exported = () => exporter.getFinishedSpans().map((s) => s.name).sort();
  return { tracer, processor, exported };
}

describe("ErrorKeepingSampler + ErrorKeepingProcessor", () => {
  it("exports every trace at rate 1", () => {
    const { tracer, exported } = setup(1);
    tracer.startSpan("a").end();
    tracer.startSpan("b").end();
    expect(exported()).toEqual(["a", "b"]);
  });

  it("drops a successful trace that head sampling did not keep", () => {
    const { tracer, exported, processor } = setup(0);
    const root = tracer.startSpan("root");
    tracer.startSpan("child", {}, trace.setSpan(context.active(), root)).end();
    root.end();
    expect(exported()).toEqual([]);
    expect(processor.pendingTraces()).toBe(1);
  });

  it("keeps a whole unsampled trace once one of its spans fails, including spans ending later", () => {
    const { tracer, exported } = setup(0);
    const root = tracer.startSpan("root");
    const ctx = trace.setSpan(context.active(), root);
    tracer.startSpan("db.query", {}, ctx).end();
    const failing = tracer.startSpan("payment.authorize", {}, ctx);
    failing.setStatus({ code: SpanStatusCode.ERROR, message: "declined" });
    failing.end();
    root.end();
    expect(exported()).toEqual(["db.query", "payment.authorize", "root"]);
  });

  it("bounds the traces it holds while waiting for an error", () => {
    const { tracer, processor } = setup(0, { maxPendingTraces: 3 });
    for (let i = 0; i < 10; i++) tracer.startSpan(`t${i}`).end();
    expect(processor.pendingTraces()).toBe(3);
  });

  it("children follow the parent's sampled decision", () => {
    const { tracer, exported } = setup(1);
    const root = tracer.startSpan("root");
    tracer.startSpan("child", {}, trace.setSpan(context.active(), root)).end();
    root.end();
    expect(exported()).toEqual(["child", "root"]);
  });
});

describe("probes and scrapes", () => {
  it("records neither a server span for /healthz, /readyz or /api/metrics nor anything started under it, even when it fails", () => {
    const { tracer, exported, processor } = setup(1);
    for (const target of ["/healthz", "/readyz?full=1", "/api/metrics", "/metrics"]) {
      const root = tracer.startSpan("GET", { kind: SpanKind.SERVER, attributes: { "http.target": target } });
      expect(root.isRecording(), target).toBe(false);
      const child = tracer.startSpan("executing api route", {}, trace.setSpan(context.active(), root));
      expect(child.isRecording(), target).toBe(false);
      tracer.startSpan("prisma:client:operation", {}, trace.setSpan(context.active(), child)).end();
      child.setStatus({ code: SpanStatusCode.ERROR, message: "db down" });
      child.end();
      root.end();
    }
    expect(exported()).toEqual([]);
    expect(processor.pendingTraces()).toBe(0);
  });

  it("still traces a request whose path only starts like a probe, and client spans to any path", () => {
    const { tracer, exported } = setup(1);
    tracer.startSpan("GET", { kind: SpanKind.SERVER, attributes: { "url.path": "/api/trpc/catalog.home" } }).end();
    tracer.startSpan("GET", { kind: SpanKind.CLIENT, attributes: { "http.target": "/healthz" } }).end();
    expect(exported()).toEqual(["GET", "GET"]);
  });
});

describe("sampling rate", () => {
  it("defaults to keeping everything and rejects values outside 0..1", () => {
    expect(sampleRateFromEnv(undefined)).toBe(1);
    expect(sampleRateFromEnv("0.25")).toBe(0.25);
    expect(() => sampleRateFromEnv("2")).toThrow(/AGORA_TRACE_SAMPLE_RATE/);
    expect(() => sampleRateFromEnv("lots")).toThrow(/AGORA_TRACE_SAMPLE_RATE/);
  });

  it("decides by trace id, so every process agrees on the same trace", () => {
    const low = "0".repeat(24) + "00000001";
    const high = "0".repeat(24) + "ffffffff";
    expect(traceIdBelowRate(low, 0.5)).toBe(true);
    expect(traceIdBelowRate(high, 0.5)).toBe(false);
    expect(traceIdBelowRate(high, 1)).toBe(true);
  });
});

describe("the reservoir", () => {
  it("keeps the first N new traces of each second at rate 0, then none until the next second", () => {
    let now = 10_000;
    const { tracer, exported } = setup(0, {}, new Reservoir(2, () => now));
    for (const name of ["a", "b", "c"]) {
      const root = tracer.startSpan(name);
      tracer.startSpan(`${name}-child`, {}, trace.setSpan(context.active(), root)).end();
      root.end();
    }
    // The children follow their root: a and b whole, c not at all.
    expect(exported()).toEqual(["a", "a-child", "b", "b-child"]);
    now += 1_000;
    tracer.startSpan("d").end();
    expect(exported()).toContain("d");
  });

  it("is off at 0", () => {
    expect(new Reservoir(0).take()).toBe(false);
  });
});

describe("housekeeping that starts a trace", () => {
  it("does not keep a database call outside any operation, unless it fails", () => {
    const { tracer, exported } = setup(1, {}, new Reservoir(100));
    tracer.startSpan("prisma:client:operation").end();
    const failing = tracer.startSpan("prisma:client:transaction");
    failing.setStatus({ code: SpanStatusCode.ERROR });
    failing.end();
    const root = tracer.startSpan("sweep lost jobs");
    tracer.startSpan("prisma:client:operation", {}, trace.setSpan(context.active(), root)).end();
    root.end();
    expect(exported()).toEqual(["prisma:client:operation", "prisma:client:transaction", "sweep lost jobs"]);
  });

  it("records nothing of a server's readiness probe of itself", () => {
    const { tracer, exported } = setup(1);
    const probe = tracer.startSpan("fetch GET http://127.0.0.1:15900/readyz");
    tracer.startSpan("child", {}, trace.setSpan(context.active(), probe)).end();
    probe.end();
    tracer.startSpan("fetch GET http://127.0.0.1:15970/v1/payments").end();
    expect(exported()).toEqual(["fetch GET http://127.0.0.1:15970/v1/payments"]);
  });

  it("records nothing of the payment watchdog's probe arriving at the provider", () => {
    const { tracer, exported } = setup(1);
    tracer
      .startSpan("GET", {
        kind: SpanKind.SERVER,
        attributes: { "url.path": "/payswift/v2/charges", "url.query": "reference=00000000-0000-0000-0000-000000000000" },
      })
      .end();
    tracer
      .startSpan("GET", {
        kind: SpanKind.SERVER,
        attributes: { "url.path": "/payswift/v2/charges", "url.query": "reference=5f0c4a52-2e1b-4c61-9d43-0a1b2c3d4e5f" },
      })
      .end();
    expect(exported()).toEqual(["GET"]);
  });
});
