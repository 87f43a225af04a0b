/**
 * Explicit invalidation, used by the search projection after it applied an event: the product's
 * own entry is deleted and the catalog version is bumped, which retires every list, search and
 * home entry at once (they embed the version in their key and expire on their own TTL).
 */
import type { Redis } from "ioredis";
import { CATALOG_VERSION_KEY, productCacheKey } from "./keys.ts";

export async function invalidateProducts(
  redis: Redis,
  productIds: readonly string[],
): Promise<void> {
  const tx = redis.multi();
  for (const id of productIds) tx.del(productCacheKey(id));
  tx.incr(CATALOG_VERSION_KEY);
  await tx.exec();
}

/** The current catalog version (0 when never bumped). */
export async function catalogVersion(redis: Redis): Promise<number> {
  return Number((await redis.get(CATALOG_VERSION_KEY)) ?? 0);
}
