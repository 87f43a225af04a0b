import { counter } from "@agora/telemetry";

/**
 * `agora_cache_requests_total{cache, result}`: hit ratio = hit / (hit + miss). `coalesced` = a
 * miss that waited for another process's loader instead of loading itself; `bypass` = Redis was
 * unavailable and the value came straight from the loader.
 */
export const cacheRequests = counter<"cache" | "result">({
  name: "cache_requests_total",
  help: "Cache-aside lookups by cache and result (hit, miss, coalesced, bypass)",
  labelNames: ["cache", "result"],
});

export type CacheResult = "hit" | "miss" | "coalesced" | "bypass";
