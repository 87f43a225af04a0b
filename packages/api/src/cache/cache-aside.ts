/**
 * Cache-aside in Redis with stampede protection.
 *
 * get → hit: return. Miss: take a short per-key lock (`SET NX PX`); the holder runs the loader and
 * writes the value with TTL + jitter (entries written together do not expire together); everyone
 * else polls for that value and, after `waitMs`, loads by itself so a crashed holder can never
 * stall readers for longer than the bound. Redis unavailable → the loader runs directly (the cache
 * is an optimisation, never a dependency).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import superjson from "superjson";
import { lockKeyOf } from "./keys.ts";
import { type CacheResult, cacheRequests } from "./metrics.ts";

export interface CacheOptions {
  /** Label for metrics, e.g. "product", "search". */
  name: string;
  ttlMs: number;
  /** Up to this fraction of the TTL is added at random. Default 0.2. */
  jitter?: number;
  /** How long the loader may hold the per-key lock. Default 5 s. */
  lockMs?: number;
  /** How long waiters poll for the holder's value before loading themselves. Default 2 s. */
  waitMs?: number;
  pollMs?: number;
  /** Budget per Redis round trip. Default 250 ms. */
  redisTimeoutMs?: number;
}

export interface Cache {
  getOrLoad<T>(key: string, loader: () => Promise<T>): Promise<{ value: T; result: CacheResult }>;
}

// Deletes the lock only if we still own it (it may have expired and been taken by another loader).
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

class RedisTimeoutError extends Error {
  readonly code = "CACHE_REDIS_TIMEOUT";
}

async function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RedisTimeoutError(`redis slower than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function ttlWithJitter(ttlMs: number, jitter: number, random = Math.random): number {
  return Math.round(ttlMs + ttlMs * jitter * random());
}

export function createCache(redis: () => Redis, opts: CacheOptions): Cache {
  const jitter = opts.jitter ?? 0.2;
  const lockMs = opts.lockMs ?? 5_000;
  const waitMs = opts.waitMs ?? 2_000;
  const pollMs = opts.pollMs ?? 25;
  const rt = opts.redisTimeoutMs ?? 250;
  const count = (result: CacheResult) => cacheRequests.inc({ cache: opts.name, result });

  const read = async <T>(key: string): Promise<T | undefined> => {
    const raw = await bounded(redis().get(key), rt);
    return raw === null ? undefined : superjson.parse<T>(raw);
  };
  const write = async (key: string, value: unknown) => {
    await bounded(
      redis().set(key, superjson.stringify(value), "PX", ttlWithJitter(opts.ttlMs, jitter)),
      rt,
    );
  };

  return {
    async getOrLoad<T>(key: string, loader: () => Promise<T>) {
      let cached: T | undefined;
      try {
        cached = await read<T>(key);
      } catch {
        // Redis down or slow: serve from the source of truth.
        count("bypass");
        return { value: await loader(), result: "bypass" as const };
      }
      if (cached !== undefined) {
        count("hit");
        return { value: cached, result: "hit" as const };
      }
      const token = randomUUID();
      const lockKey = lockKeyOf(key);
      let locked = false;
      try {
        locked = (await bounded(redis().set(lockKey, token, "PX", lockMs, "NX"), rt)) === "OK";
      } catch {
        count("bypass");
        return { value: await loader(), result: "bypass" as const };
      }
      if (locked) {
        count("miss");
        try {
          const value = await loader();
          await write(key, value).catch(() => {
            // Not cached this time; the next reader loads again.
          });
          return { value, result: "miss" as const };
        } finally {
          await bounded(redis().eval(RELEASE_LUA, 1, lockKey, token), rt).catch(() => {
            // The lock expires by itself after lockMs.
          });
        }
      }
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        await sleep(pollMs);
        const v = await read<T>(key).catch(() => undefined);
        if (v !== undefined) {
          count("coalesced");
          return { value: v, result: "coalesced" as const };
        }
      }
      // The holder is slow or gone: load ourselves rather than wait without bound.
      count("miss");
      return { value: await loader(), result: "miss" as const };
    },
  };
}
