/**
 * The shared (edge) cache's policy: which public queries a cache in front of the apps may keep,
 * and for how long. The edge cache (nginx behind the HAProxy gateway, infra/local/src/config/)
 * stores a response only when it says `Cache-Control: public … s-maxage=N`, which
 * `edgeCacheControl` writes; the browser
 * client (packages/trpc-next/src/react.tsx) sends these queries one per GET, unbatched, so each
 * has a stable URL that the edge can key on.
 *
 * A procedure belongs here only if its answer is the same for every caller (no session, cart or
 * client address in it) and a few seconds of staleness are acceptable: the catalog is already an
 * eventually consistent read model (a projection of the vendors' shards). Orders, carts, stock
 * reservations and anything signed-in never are. The times bound the extra staleness the edge adds
 * on top of the read model's own (the Redis entries are retired by the catalog version bump at
 * once; the edge keeps an answer for at most these seconds). Stock on a product page is kept
 * short because live updates (Socket.IO) correct it within the page anyway.
 *
 * Only `s-maxage`, for shared caches: a browser keeps nothing (no `max-age`, no validator) and
 * refetches through react-query. (`max-age=0` would read "uncacheable" to HAProxy as well.)
 *
 * Pure and free of server imports: the browser bundle reads `isEdgeCacheable` too. The table
 * itself lives in `@agora/config/edge-cache`, where the gateway's generator reads it as well (it
 * routes exactly these procedures through the cache).
 */
import { EDGE_CACHE_SECONDS } from "@agora/config/edge-cache";

export { EDGE_CACHE_SECONDS };

export function isEdgeCacheable(path: string): boolean {
  return Object.hasOwn(EDGE_CACHE_SECONDS, path);
}

export interface EdgeCacheQuestion {
  /** The procedures the request called (a batch has several). */
  paths: readonly string[] | undefined;
  type: "query" | "mutation" | "subscription" | "unknown";
  /** Errors of the call; any error makes the answer uncacheable. */
  errorCount: number;
  /**
   * Headers go out before the procedures finish (tRPC's streamed batches): whether they fail is
   * not known yet, so nothing is marked cacheable.
   */
  eager: boolean;
}

/** The `Cache-Control` value for a shared cache, or undefined to leave the response uncached. */
export function edgeCacheControl(q: EdgeCacheQuestion): string | undefined {
  if (q.type !== "query" || q.eager || q.errorCount > 0) return undefined;
  if (!q.paths?.length || !q.paths.every(isEdgeCacheable)) return undefined;
  const seconds = Math.min(...q.paths.map((p) => EDGE_CACHE_SECONDS[p] ?? 0));
  return `public, s-maxage=${seconds}`;
}
