import type { CircuitBreaker, StateChange } from "@agora/resilience";
import { PAYMENTS_BREAKER_KEY, type BreakerStateRedis } from "@agora/orders";
import { afterEach, describe, expect, it, vi } from "vitest";
import { publishPaymentsBreaker } from "./breaker-publisher.ts";

function fakeBreaker() {
  const listeners = new Set<(c: StateChange) => void>();
  let state: CircuitBreaker["state"] = "closed";
  const breaker = {
    name: "payments-test",
    get state() {
      return state;
    },
    onStateChange(l: (c: StateChange) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as CircuitBreaker;
  const move = (to: CircuitBreaker["state"]) => {
    const from = state;
    state = to;
    for (const l of listeners) l({ breaker: "payments-test", from, to });
  };
  return { breaker, move, listeners };
}

function fakeRedis() {
  const writes: { state: string; ttl: number | null }[] = [];
  const redis: BreakerStateRedis = {
    async set(_key: string, value: string, px?: "PX", ms?: number) {
      expect(_key).toBe(PAYMENTS_BREAKER_KEY);
      writes.push({
        state: (JSON.parse(value) as { state: string }).state,
        ttl: px ? (ms ?? null) : null,
      });
      return "OK";
    },
    async get() {
      return null;
    },
  };
  return { redis, writes };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("payments breaker publisher", () => {
  it("publishes the current state at start and every transition after it, in order", async () => {
    const { breaker, move } = fakeBreaker();
    const { redis, writes } = fakeRedis();
    const p = publishPaymentsBreaker(breaker, redis);
    move("open");
    move("half-open");
    move("closed");
    await p.flush();
    p.stop();
    expect(writes.map((w) => w.state)).toEqual(["closed", "open", "half-open", "closed"]);
    expect(writes[1]?.ttl).toBeGreaterThan(0);
    expect(writes[3]?.ttl).toBeNull();
  });

  it("re-writes an open record before its TTL runs out, and stops once closed", async () => {
    vi.useFakeTimers();
    const { breaker, move, listeners } = fakeBreaker();
    const { redis, writes } = fakeRedis();
    const p = publishPaymentsBreaker(breaker, redis, { refreshEveryMs: 1_000 });
    move("open");
    await vi.advanceTimersByTimeAsync(3_000);
    await p.flush();
    const opens = writes.filter((w) => w.state === "open").length;
    expect(opens).toBe(4); // the transition + 3 refreshes
    move("closed");
    await vi.advanceTimersByTimeAsync(3_000);
    await p.flush();
    expect(writes.filter((w) => w.state === "open").length).toBe(opens);
    p.stop();
    expect(listeners.size).toBe(0);
  });
});
