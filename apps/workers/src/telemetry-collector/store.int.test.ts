import { randomBytes } from "node:crypto";
import { createRedis } from "@agora/redis";
import { afterAll, describe, expect, it } from "vitest";
import type { StoredLog, StoredSpan } from "./otlp.ts";
import { createTelemetryStore, type RetentionPolicy } from "./store.ts";

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

/** A store under a key prefix of its own, on a clock the test moves (`clock.now`). */
function freshStore(policy: Partial<RetentionPolicy>) {
  const prefix = `test-telemetry-${id(4)}`;
  const clock = { now: Date.now() };
  const store = createTelemetryStore(
    redis,
    {
      retentionMs: 60_000,
      maxSpans: 100,
      maxLogs: 100,
      maxPerTrace: 100,
      maxTraces: 100,
      ...policy,
    },
    { prefix, now: () => clock.now },
  );
  return { prefix, store, clock };
}

describe("telemetry store retention", () => {
  it("keeps only the newest maxSpans spans and maxLogs lines searchable", async () => {
    const { prefix, store } = freshStore({ maxSpans: 5, maxLogs: 3, maxTraces: 1_000 });
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
    const { prefix, store, clock } = freshStore({ retentionMs: 10_000 });
    const traceId = id(16);
    await store.addSpans([span(traceId, { name: "checkout.place" })]);
    await store.addLogs([log(traceId, "order placed")]);
    expect(await store.getTrace(traceId)).toHaveLength(1);
    expect(await store.searchLogs({ traceId, limit: 10 })).toHaveLength(1);
    expect(await redis.pttl(`${prefix}:trace:${traceId}`)).toBeLessThanOrEqual(10_000);

    clock.now += 11_000;
    await store.trim();
    expect(await store.getTrace(traceId)).toEqual([]);
    expect(await store.searchTraces({ name: "checkout.place", limit: 10 })).toEqual([]);
    expect(await store.searchLogs({ traceId, limit: 10 })).toEqual([]);
    expect(await redis.xlen(`${prefix}:spans`)).toBe(0);
    expect(await redis.xlen(`${prefix}:logs`)).toBe(0);
  });

  it("keeps the span and log lists of only the maxTraces newest traces", async () => {
    const { prefix, store, clock } = freshStore({ maxTraces: 3 });
    const traces = Array.from({ length: 5 }, () => id(16));
    for (const t of traces) {
      clock.now += 1; // first seen one after the other: the index orders them by that time
      await store.addSpans([span(t), span(t)]);
      await store.addLogs([log(t, `in ${t}`)]);
    }
    // A later span of an old trace does not make it new again (newest by first seen).
    await store.addSpans([span(traces[2] ?? "")]);

    for (const t of traces.slice(0, 2)) {
      expect(await store.getTrace(t)).toEqual([]);
      expect(await redis.exists(`${prefix}:trace:${t}`, `${prefix}:trace-logs:${t}`)).toBe(0);
    }
    for (const t of traces.slice(2)) {
      expect((await store.getTrace(t)).length).toBeGreaterThanOrEqual(2);
      expect(await store.searchLogs({ traceId: t, limit: 10 })).toHaveLength(1);
    }
    expect(await redis.zcard(`${prefix}:trace-index`)).toBe(3);
    expect(await redis.pttl(`${prefix}:trace-index`)).toBeGreaterThan(0);
  });

  it("drops a batch's whole excess over maxTraces, several hundred traces at a time", async () => {
    const { prefix, store } = freshStore({ maxSpans: 2_000 });
    await store.addSpans(Array.from({ length: 1_200 }, () => span(id(16))));
    expect(await redis.zcard(`${prefix}:trace-index`)).toBe(100);
    let lists = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}:trace:*`, count: 1_000 })) {
      lists += (keys as string[]).length;
    }
    expect(lists).toBe(100);
  });

  it("ages trace index entries out with the retention in trim()", async () => {
    const { prefix, store, clock } = freshStore({ retentionMs: 10_000 });
    const old = id(16);
    await store.addSpans([span(old)]);
    clock.now += 6_000;
    const recent = id(16);
    await store.addSpans([span(recent)]);
    expect(await redis.zcard(`${prefix}:trace-index`)).toBe(2);

    clock.now += 5_000; // `old` was first seen 11 s ago, `recent` 5 s ago
    await store.trim();
    expect(await redis.zrange(`${prefix}:trace-index`, 0, -1)).toEqual([recent]);
  });

  it("finds traces by service, name, minimum duration and errors", async () => {
    const { store } = freshStore({});
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
