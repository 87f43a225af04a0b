/**
 * The API's Redis connection for the shopping flow's state: carts, the payment breaker state the
 * saga worker publishes, and read-your-writes tokens. Sentinel-aware (@agora/redis), created on
 * first use. Unlike the cache connection, this one is data: a command waits through a short
 * failover (bounded retries) instead of failing at once.
 */
import { keepReconnecting, redisOptions } from "@agora/redis";
import { Redis } from "ioredis";

let shared: Redis | undefined;

export function checkoutRedis(): Redis {
  if (!shared) {
    shared = keepReconnecting(
      new Redis({
        ...redisOptions({ connectionName: "api-checkout", maxRetriesPerRequest: 3 }),
        // A Sentinel failover takes ~4 s; commands issued meanwhile queue and then fail, never hang.
        commandTimeout: 5_000,
      }),
    );
    shared.on("error", () => {
      // Expected during a failover; ioredis reconnects through Sentinel and commands retry.
    });
  }
  return shared;
}

/** Tests and shutdown: closes the shared connection (the next call opens a new one). */
export async function closeCheckoutRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  if (r) await r.quit();
}
