import { describe, expect, it } from "vitest";
import {
  OPEN_STATE_TTL_MS,
  PAYMENTS_BREAKER_KEY,
  paymentsBreakerOpen,
  publishBreakerState,
  type BreakerStateRedis,
} from "./payments-breaker.ts";

/** An in-memory stand-in that records the TTL each SET asked for. */
function fakeRedis() {
  const values = new Map<string, { value: string; ttlMs: number | null }>();
  const redis: BreakerStateRedis = {
    async set(key: string, value: string, px?: "PX", ms?: number) {
      values.set(key, { value, ttlMs: px === "PX" && ms !== undefined ? ms : null });
      return "OK";
    },
    async get(key: string) {
      return values.get(key)?.value ?? null;
    },
  };
  return { redis, values };
}

describe("published payments breaker state", () => {
  it("reads open only while an open record is there", async () => {
    const { redis } = fakeRedis();
    expect(await paymentsBreakerOpen(redis)).toBe(false);
    await publishBreakerState(redis, { state: "open", since: 1, by: "w:1" });
    expect(await paymentsBreakerOpen(redis)).toBe(true);
    await publishBreakerState(redis, { state: "half-open", since: 2, by: "w:1" });
    expect(await paymentsBreakerOpen(redis)).toBe(false);
    await publishBreakerState(redis, { state: "closed", since: 3, by: "w:1" });
    expect(await paymentsBreakerOpen(redis)).toBe(false);
  });

  it("gives an open record a TTL so a dead worker cannot block checkouts forever", async () => {
    const { redis, values } = fakeRedis();
    await publishBreakerState(redis, { state: "open", since: 1, by: "w:1" });
    expect(values.get(PAYMENTS_BREAKER_KEY)?.ttlMs).toBe(OPEN_STATE_TTL_MS);
    await publishBreakerState(redis, { state: "closed", since: 2, by: "w:1" });
    expect(values.get(PAYMENTS_BREAKER_KEY)?.ttlMs).toBeNull();
  });

  it("treats an unreadable record as closed", async () => {
    const { redis } = fakeRedis();
    await redis.set(PAYMENTS_BREAKER_KEY, "not json");
    expect(await paymentsBreakerOpen(redis)).toBe(false);
    await redis.set(PAYMENTS_BREAKER_KEY, JSON.stringify({ state: "weird" }));
    expect(await paymentsBreakerOpen(redis)).toBe(false);
  });
});
