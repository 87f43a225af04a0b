import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";
import { healthHandlers } from "./health.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("healthHandlers", () => {
  it("is always live", () => {
    expect(healthHandlers({ checks: {}, timeoutMs: 100 }).live()).toEqual({
      status: 200,
      body: { live: true },
    });
  });

  it("is ready with 200 when every check passes", async () => {
    const { ready } = healthHandlers({
      checks: { postgres: async () => {}, redis: () => sleep(5) },
      timeoutMs: 500,
    });
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body.ready).toBe(true);
    expect(res.body.checks.postgres).toMatchObject({ ok: true });
    expect(res.body.checks.redis?.ms).toBeGreaterThanOrEqual(0);
    expect(res.body.checks.redis).not.toHaveProperty("error");
  });

  it("reports 503 with the failing check's reason and the passing checks as ok", async () => {
    const { ready } = healthHandlers({
      checks: {
        postgres: async () => {},
        redis: async () => {
          throw new Error("connect ECONNREFUSED 127.0.0.1:6390");
        },
        broken: () => {
          throw new Error("thrown synchronously");
        },
      },
      timeoutMs: 500,
    });
    const res = await ready();
    expect(res.status).toBe(503);
    expect(res.body.ready).toBe(false);
    expect(res.body.checks.postgres).toMatchObject({ ok: true });
    expect(res.body.checks.redis).toMatchObject({
      ok: false,
      error: "connect ECONNREFUSED 127.0.0.1:6390",
    });
    expect(res.body.checks.broken).toMatchObject({ ok: false, error: "thrown synchronously" });
  });

  it("fails a hung check at the timeout and aborts its signal", async () => {
    let abortedWith: unknown;
    const { ready } = healthHandlers({
      checks: {
        hung: (signal) =>
          new Promise<void>(() => {
            signal.addEventListener("abort", () => (abortedWith = signal.reason));
          }),
        postgres: async () => {},
      },
      timeoutMs: 50,
    });
    const res = await ready();
    expect(res.status).toBe(503);
    expect(res.body.checks.hung).toMatchObject({ ok: false, error: "timed out after 50ms" });
    expect(res.body.checks.hung?.ms).toBeGreaterThanOrEqual(45);
    expect(res.body.checks.postgres).toMatchObject({ ok: true });
    expect(abortedWith).toBeInstanceOf(Error);
  });

  it("starts every check before any of them finishes", async () => {
    const events: string[] = [];
    const check = (name: string) => async () => {
      events.push(`start ${name}`);
      await sleep(10);
      events.push(`end ${name}`);
    };
    const { ready } = healthHandlers({
      checks: { a: check("a"), b: check("b"), c: check("c") },
      timeoutMs: 500,
    });
    expect((await ready()).status).toBe(200);
    expect(events.slice(0, 3).sort()).toEqual(["start a", "start b", "start c"]);
  });

  it("does not trace what its checks call: a probe every few seconds would start a trace each time", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    try {
      const { ready } = healthHandlers({
        checks: {
          postgres: async () => {
            await sleep(1);
            trace.getTracer("prisma").startSpan("prisma:client:operation").end();
          },
        },
        timeoutMs: 500,
      });
      expect((await ready()).status).toBe(200);
      trace.getTracer("agora").startSpan("checkout.place").end();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["checkout.place"]);
    } finally {
      await provider.shutdown();
      trace.disable();
    }
  });
});
