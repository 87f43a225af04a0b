/**
 * Cache-aside against the real Redis (through Sentinel): a stampede of misses runs the loader
 * once, invalidation makes the next read a miss, and the hit/miss counter moves.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createRedis } from "@agora/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "./cache-aside.ts";
import { catalogVersion, invalidateProducts } from "./invalidation.ts";
import { productCacheKey } from "./keys.ts";
import { cacheRequests } from "./metrics.ts";

const redis = createRedis({ connectionName: "cache-aside-test" });
const run = randomUUID().slice(0, 8);

async function counterValue(cache: string, result: string): Promise<number> {
  const m = await cacheRequests.get();
  return m.values.find((v) => v.labels.cache === cache && v.labels.result === result)?.value ?? 0;
}

beforeAll(async () => {
  await redis.ping();
});

afterAll(async () => {
  await redis.quit();
});

describe("cache-aside", () => {
  it("runs the loader once for 50 concurrent misses of one key (stampede protection)", async () => {
    // A generous Redis budget: this test is about coordination, not about a slow Redis (bypass).
    const cache = createCache(() => redis, {
      name: `stampede-${run}`,
      ttlMs: 30_000,
      redisTimeoutMs: 5_000,
      waitMs: 10_000,
    });
    let loads = 0;
    const loader = async () => {
      loads++;
      await sleep(300); // a slow query: every request arrives while it runs
      return { at: loads, items: ["a", "b"] };
    };
    const key = `cache:test:${run}:stampede`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => cache.getOrLoad(key, loader)),
    );
    expect(loads).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.value))).size).toBe(1);
    expect(results.filter((r) => r.result === "miss")).toHaveLength(1);
    expect(results.filter((r) => r.result === "coalesced")).toHaveLength(49);
    const again = await cache.getOrLoad(key, loader);
    expect(again.result).toBe("hit");
    expect(await counterValue(`stampede-${run}`, "hit")).toBe(1);
    expect(await counterValue(`stampede-${run}`, "miss")).toBe(1);
  });

  it("lets waiters load by themselves once the lock holder exceeds the bound", async () => {
    const cache = createCache(() => redis, {
      name: `bound-${run}`,
      ttlMs: 30_000,
      waitMs: 200,
      lockMs: 5_000,
    });
    const key = `cache:test:${run}:bound`;
    // Someone else holds the lock and never writes the value (a crashed loader).
    await redis.set(`${key}:lock`, "someone-else", "PX", 5_000);
    const started = Date.now();
    const r = await cache.getOrLoad(key, async () => "loaded");
    expect(r).toEqual({ value: "loaded", result: "miss" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("keeps values with TTL plus jitter, never without expiry", async () => {
    const cache = createCache(() => redis, { name: `ttl-${run}`, ttlMs: 10_000, jitter: 0.5 });
    const key = `cache:test:${run}:ttl`;
    await cache.getOrLoad(key, async () => 1);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(5_000);
    expect(ttl).toBeLessThanOrEqual(15_000);
  });

  it("invalidation deletes the product entry and bumps the catalog version", async () => {
    const cache = createCache(() => redis, { name: `inval-${run}`, ttlMs: 30_000 });
    const productId = randomUUID();
    const key = productCacheKey(productId);
    await cache.getOrLoad(key, async () => "v1");
    expect((await cache.getOrLoad(key, async () => "v1")).result).toBe("hit");
    const before = await catalogVersion(redis);
    await invalidateProducts(redis, [productId]);
    expect(await catalogVersion(redis)).toBe(before + 1);
    expect(await cache.getOrLoad(key, async () => "v2")).toEqual({ value: "v2", result: "miss" });
  });
});
