/**
 * The API's Redis connection for cache and rate limits: Sentinel-aware (@agora/redis), created on
 * first use, and with the offline queue off — while Redis is unreachable or failing over, a
 * command fails at once and the caller degrades (loads from the database, admits the request)
 * instead of piling up behind a reconnect.
 */
import { keepReconnecting, redisOptions } from "@agora/redis";
import { Redis } from "ioredis";

let shared: Redis | undefined;

export function apiRedis(): Redis {
  if (!shared) {
    shared = keepReconnecting(
      new Redis({
        ...redisOptions({ connectionName: "api-cache", maxRetriesPerRequest: 1 }),
        enableOfflineQueue: false,
        lazyConnect: false,
      }),
    );
    shared.on("error", () => {
      // Expected during a failover; commands fail fast and the callers degrade.
    });
  }
  return shared;
}

/** Tests and shutdown: closes the shared connection (the next call opens a new one). */
export async function closeApiRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}

/**
 * Resolves true once the shared connection is ready (false after `timeoutMs`). Commands issued
 * before that fail fast and degrade, so a process start-up or a test waits here first.
 */
export async function apiRedisReady(timeoutMs: number): Promise<boolean> {
  const r = apiRedis();
  if (r.status === "ready") return true;
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      r.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    r.once("ready", onReady);
  });
}
