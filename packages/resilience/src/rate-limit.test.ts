import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RateLimiterUnavailableError } from "./errors.ts";
import { resilienceMetrics } from "./metrics.ts";
import { createRateLimiter, rateLimitKey, retryAfterSeconds } from "./rate-limit.ts";

// A client that never connects (lazyConnect, no offline queue): every command fails at once, which
// is what an unreachable Redis looks like to the limiter — without any server or network.
const unreachable = new Redis({
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
});
afterAll(() => unreachable.disconnect());

async function unavailableCount(scope: string, decision: string): Promise<number | undefined> {
  const m = await resilienceMetrics
    .getSingleMetric("resilience_rate_limit_unavailable_total")
    ?.get();
  return m?.values.find((v) => v.labels.scope === scope && v.labels.decision === decision)?.value;
}

describe("createRateLimiter without Redis", () => {
  it("admits the request, marked degraded, when failOpen is true", async () => {
    const limiter = createRateLimiter({
      redis: unreachable,
      scope: "unit-open",
      limit: 5,
      windowMs: 1000,
      failOpen: true,
    });
    await expect(limiter.consume("1.2.3.4")).resolves.toEqual({
      allowed: true,
      remaining: 4,
      retryAfterMs: 0,
      limit: 5,
      degraded: true,
    });
    expect(await unavailableCount("unit-open", "allowed")).toBe(1);
  });

  it("throws RateLimiterUnavailableError when failOpen is false", async () => {
    const limiter = createRateLimiter({
      redis: unreachable,
      scope: "unit-closed",
      limit: 5,
      windowMs: 1000,
      failOpen: false,
    });
    const err = await limiter.consume("user-1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimiterUnavailableError);
    expect(err).toMatchObject({ code: "RATE_LIMITER_UNAVAILABLE", scope: "unit-closed" });
    expect(await unavailableCount("unit-closed", "error")).toBe(1);
  });

  it("refuses a cost above the limit instead of refusing the caller forever", async () => {
    const limiter = createRateLimiter({
      redis: unreachable,
      scope: "unit-cost",
      limit: 5,
      windowMs: 1000,
      failOpen: true,
    });
    await expect(limiter.consume("x", 6)).rejects.toBeInstanceOf(RangeError);
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up to whole seconds, at least 1 when refused and 0 when admitted", () => {
    expect(retryAfterSeconds({ allowed: false, remaining: 0, retryAfterMs: 1, limit: 1 })).toBe(1);
    expect(retryAfterSeconds({ allowed: false, remaining: 0, retryAfterMs: 1001, limit: 1 })).toBe(
      2,
    );
    expect(retryAfterSeconds({ allowed: true, remaining: 3, retryAfterMs: 0, limit: 4 })).toBe(0);
  });
});

describe("rateLimitKey", () => {
  it("namespaces keys by scope", () => {
    expect(rateLimitKey("api:ip", "10.0.0.1")).toBe("rl:api:ip:10.0.0.1");
  });
});
