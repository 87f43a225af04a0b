/**
 * Cache key names in one place: the read side (handlers) and the write side (the search
 * projection's invalidation) must agree on them.
 */
export const CACHE_PREFIX = "cache:";

/** Bumped on every catalog change; list/search/home entries embed it, so a bump retires them all. */
export const CATALOG_VERSION_KEY = `${CACHE_PREFIX}catalog:version`;

/** One product's page data. */
export function productCacheKey(productId: string): string {
  return `${CACHE_PREFIX}product:${productId}`;
}

/** A catalog list entry (home, category page, search, suggestions) under a catalog version. */
export function catalogListKey(version: number, kind: string, params: string): string {
  return `${CACHE_PREFIX}catalog:v${version}:${kind}:${params}`;
}

export function lockKeyOf(key: string): string {
  return `${key}:lock`;
}
