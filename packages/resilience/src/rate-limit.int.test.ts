import { randomUUID } from "node:crypto";
import { createRedis } from "@agora/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter, rateLimitKey } from "./rate-limit.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const redis = createRedis({ connectionName: "resilience-int-test" });

beforeAll(async () => {
  await redis.ping(); // first command waits for Sentinel to name the master
});
afterAll(async () => {
  await redis.quit();
});

/** Each test gets its own scope so reruns against a kept topology start from empty windows. */
const scope = () => `int-${randomUUID()}`;

describe("createRateLimiter against Redis through Sentinel", () => {
  it("allows exactly `limit` requests in a window, then refuses with a retry-after inside the window", async () => {
    const limiter = createRateLimiter({
      redis,
      scope: scope(),
      limit: 5,
      windowMs: 1000,
      failOpen: false,
    });
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await limiter.consume("10.0.0.1"));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    const refused = results[5]!;
    expect(refused.limit).toBe(5);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it("keeps separate ids independent", async () => {
    const limiter = createRateLimiter({
      redis,
      scope: scope(),
      limit: 2,
      windowMs: 1000,
      failOpen: false,
    });
    await limiter.consume("a");
    await limiter.consume("a");
    expect((await limiter.consume("a")).allowed).toBe(false);
    expect(await limiter.consume("b")).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("slides the window: once the window has passed, requests are allowed again", async () => {
    const limiter = createRateLimiter({
      redis,
      scope: scope(),
      limit: 3,
      windowMs: 500,
      failOpen: false,
    });
    for (let i = 0; i < 3; i++) expect((await limiter.consume("u")).allowed).toBe(true);
    const refused = await limiter.consume("u");
    expect(refused.allowed).toBe(false);
    await sleep(refused.retryAfterMs + 20);
    expect(await limiter.consume("u")).toMatchObject({ allowed: true });
  });

  it("admits a unit as soon as the oldest admission leaves the window, not at a fixed boundary", async () => {
    const limiter = createRateLimiter({
      redis,
      scope: scope(),
      limit: 2,
      windowMs: 500,
      failOpen: false,
    });
    await limiter.consume("u");
    await sleep(250);
    await limiter.consume("u");
    const refused = await limiter.consume("u");
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(260); // the first admission expires first
    await sleep(refused.retryAfterMs + 20);
    expect(await limiter.consume("u")).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.consume("u")).allowed).toBe(false); // the second admission is still inside
  });

  it("charges `cost` units at once", async () => {
    const limiter = createRateLimiter({
      redis,
      scope: scope(),
      limit: 10,
      windowMs: 1000,
      failOpen: false,
    });
    expect(await limiter.consume("t", 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await limiter.consume("t", 4)).toMatchObject({ allowed: false, remaining: 3 });
    expect(await limiter.consume("t", 3)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("admits exactly 10 of 50 concurrent requests against a limit of 10, spread over 5 connections", async () => {
    const s = scope();
    // Several connections, like several app instances: their commands interleave on the server.
    const clients = Array.from({ length: 5 }, (_, i) =>
      createRedis({ connectionName: `resilience-int-${i}` }),
    );
    try {
      const limiters = clients.map((c) =>
        createRateLimiter({ redis: c, scope: s, limit: 10, windowMs: 5000, failOpen: false }),
      );
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => limiters[i % limiters.length]!.consume("burst")),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      expect(await redis.zcard(rateLimitKey(s, "burst"))).toBe(10);
      const ttl = await redis.pttl(rateLimitKey(s, "burst"));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5000);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });
});
