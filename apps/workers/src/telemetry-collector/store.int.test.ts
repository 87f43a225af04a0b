import { randomBytes } from "node:crypto";
import { createRedis } from "@agora/redis";
import { afterAll, describe, expect, it } from "vitest";
import type { StoredLog, StoredSpan } from "./otlp.ts";
import { createTelemetryStore } from "./store.ts";

const redis = createRedis({ connectionName: "telemetry-store-test" });
afterAll(() => redis.disconnect());

const id = (bytes: number) => randomBytes(bytes).toString("hex");
function span(traceId: string, over: Partial<StoredSpan> = {}): StoredSpan {
  return {
    traceId,
    spanId: id(8),
    parentSpanId: null,
    name: "GET /",
    service: "storefront",
    kind: "server",
    startMs: Date.now(),
    durationMs: 5,
    error: false,
    statusMessage: null,
    attributes: {},
    events: [],
    ...over,
  };
}
const log = (traceId: string, msg: string): StoredLog => ({
  timeMs: Date.now(),
  service: "workers-sagas",
  level: "info",
  msg,
  traceId,
  spanId: null,
  attributes: {},
});

describe("telemetry store retention", () => {
  it("keeps only the newest maxSpans spans and maxLogs lines searchable", async () => {
    const prefix = `test-telemetry-${id(4)}`;
    const store = createTelemetryStore(
      redis,
      { retentionMs: 60_000, maxSpans: 5, maxLogs: 3, maxPerTrace: 100 },
      { prefix },
    );
    const traces = Array.from({ length: 250 }, () => id(16));
    for (const t of traces) await store.addSpans([span(t)]);
    for (const [i, t] of traces.slice(-12).entries()) await store.addLogs([log(t, `line ${i}`)]);

    const found = await store.searchTraces({ limit: 50 });
    expect(found.map((f) => f.traceId).sort()).toEqual(traces.slice(-5).sort());
    // Trimmed by whole stream nodes (`MAXLEN ~`): never more than one node (100) beyond the bound.
    expect(await redis.xlen(`${prefix}:spans`)).toBeLessThanOrEqual(5 + 100);
    const lines = await store.searchLogs({ limit: 50 });
    expect(lines.map((l) => l.msg).sort()).toEqual(["line 10", "line 11", "line 9"]);
  });

  it("forgets spans and log lines older than the retention, also for a direct trace lookup", async () => {
    const prefix = `test-telemetry-${id(4)}`;
    let now = Date.now();
    const store = createTelemetryStore(
      redis,
      { retentionMs: 10_000, maxSpans: 100, maxLogs: 100, maxPerTrace: 100 },
      { prefix, now: () => now },
    );
    const traceId = id(16);
    await store.addSpans([span(traceId, { name: "checkout.place" })]);
    await store.addLogs([log(traceId, "order placed")]);
    expect(await store.getTrace(traceId)).toHaveLength(1);
    expect(await store.searchLogs({ traceId, limit: 10 })).toHaveLength(1);
    expect(await redis.pttl(`${prefix}:trace:${traceId}`)).toBeLessThanOrEqual(10_000);

    now += 11_000;
    await store.trim();
    expect(await store.getTrace(traceId)).toEqual([]);
    expect(await store.searchTraces({ name: "checkout.place", limit: 10 })).toEqual([]);
    expect(await store.searchLogs({ traceId, limit: 10 })).toEqual([]);
    expect(await redis.xlen(`${prefix}:spans`)).toBe(0);
    expect(await redis.xlen(`${prefix}:logs`)).toBe(0);
  });

  it("finds traces by service, name, minimum duration and errors", async () => {
    const prefix = `test-telemetry-${id(4)}`;
    const store = createTelemetryStore(
      redis,
      { retentionMs: 60_000, maxSpans: 100, maxLogs: 100, maxPerTrace: 100 },
      { prefix },
    );
    const slow = id(16);
    const failed = id(16);
    await store.addSpans([
      span(slow, { name: "trpc checkout.place", durationMs: 900 }),
      span(failed, { name: "payment.authorize", service: "workers-sagas", error: true }),
    ]);
    const ids = async (q: Parameters<typeof store.searchTraces>[0]) =>
      (await store.searchTraces(q)).map((t) => t.traceId);
    expect(await ids({ minDurationMs: 500, limit: 10 })).toEqual([slow]);
    expect(await ids({ errorsOnly: true, limit: 10 })).toEqual([failed]);
    expect(await ids({ service: "workers-sagas", limit: 10 })).toEqual([failed]);
    expect(await ids({ name: "checkout.place", limit: 10 })).toEqual([slow]);
  });
});
