/**
 * The catalog's caches: TTLs per kind of entry, and list entries keyed by the catalog version so
 * the projection's version bump retires them (see invalidation.ts).
 */
import { createCache } from "./cache-aside.ts";
import { catalogVersion } from "./invalidation.ts";
import { catalogListKey, productCacheKey } from "./keys.ts";
import { apiRedis } from "./redis-connection.ts";

export const CACHE_TTL_MS = {
  product: 60_000,
  list: 30_000,
  /** The vendors overview: no event retires it when a vendor joins or moves, so it stays as
   * short as the edge's own cache of `catalog.overview` (packages/config edge-cache.ts). */
  overview: 10_000,
  suggest: 60_000,
  recommendations: 300_000,
} as const;

const productCache = createCache(apiRedis, { name: "product", ttlMs: CACHE_TTL_MS.product });
const listCaches = {
  home: createCache(apiRedis, { name: "home", ttlMs: CACHE_TTL_MS.list }),
  overview: createCache(apiRedis, { name: "overview", ttlMs: CACHE_TTL_MS.overview }),
  category: createCache(apiRedis, { name: "category", ttlMs: CACHE_TTL_MS.list }),
  search: createCache(apiRedis, { name: "search", ttlMs: CACHE_TTL_MS.list }),
  suggest: createCache(apiRedis, { name: "suggest", ttlMs: CACHE_TTL_MS.suggest }),
  recommendations: createCache(apiRedis, {
    name: "recommendations",
    ttlMs: CACHE_TTL_MS.recommendations,
  }),
};
export type ListCacheKind = keyof typeof listCaches;

export async function cachedProduct<T>(productId: string, loader: () => Promise<T>): Promise<T> {
  return (await productCache.getOrLoad(productCacheKey(productId), loader)).value;
}

/** A list entry under the current catalog version; `params` must identify the request fully. */
export async function cachedList<T>(
  kind: ListCacheKind,
  params: unknown,
  loader: () => Promise<T>,
): Promise<T> {
  let version: number;
  try {
    version = await catalogVersion(apiRedis());
  } catch {
    // No Redis: the cache below bypasses too; key on version 0 for the attempt.
    version = 0;
  }
  const key = catalogListKey(version, kind, JSON.stringify(params));
  return (await listCaches[kind].getOrLoad(key, loader)).value;
}
