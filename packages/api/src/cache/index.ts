export { createCache, ttlWithJitter, type Cache, type CacheOptions } from "./cache-aside.ts";
export { invalidateProducts, catalogVersion } from "./invalidation.ts";
export { CATALOG_VERSION_KEY, catalogListKey, productCacheKey } from "./keys.ts";
export { apiRedis, apiRedisReady, closeApiRedis } from "./redis-connection.ts";
export { cacheRequests, type CacheResult } from "./metrics.ts";
