import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createCache, ttlWithJitter } from "./cache-aside.ts";

describe("ttlWithJitter", () => {
  it("adds between 0 and jitter × TTL", () => {
    expect(ttlWithJitter(10_000, 0.2, () => 0)).toBe(10_000);
    expect(ttlWithJitter(10_000, 0.2, () => 0.999)).toBe(11_998);
  });
});

describe("cache-aside without Redis", () => {
  it("serves from the loader (bypass) when Redis cannot be reached", async () => {
    // Never connected and no offline queue: every command fails at once.
    const offline = new Redis({ lazyConnect: true, enableOfflineQueue: false });
    const cache = createCache(() => offline, { name: "offline-test", ttlMs: 1_000 });
    expect(await cache.getOrLoad("k", async () => 42)).toEqual({ value: 42, result: "bypass" });
    offline.disconnect();
  });
});
