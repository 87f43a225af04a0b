/** The CDN edge as nginx reports it: health, and the hit ratio from its access log. */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { cdnPaths } from "../config/nginx.ts";
import type { CdnInstance, Topology } from "../topology.ts";

export interface CdnCacheStats {
  /** Requests per `$upstream_cache_status` (HIT, MISS, EXPIRED, STALE, UPDATING, REVALIDATED, BYPASS). */
  byStatus: Record<string, number>;
  requests: number;
  /** Served from the cache (HIT, STALE, UPDATING, REVALIDATED) / requests; null before any. */
  hitRatio: number | null;
}

const SERVED_FROM_CACHE = new Set(["HIT", "STALE", "UPDATING", "REVALIDATED"]);
/** Only the log's tail is read, so a long-running edge costs the probe a bounded read. */
const TAIL_BYTES = 2 * 1024 * 1024;

export function parseCdnLog(text: string): CdnCacheStats {
  const byStatus: Record<string, number> = {};
  let requests = 0;
  let fromCache = 0;
  for (const line of text.split("\n")) {
    const cache = line.split(" ")[2];
    if (!cache) continue;
    const status = cache === "-" ? "NONE" : cache;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    requests++;
    if (SERVED_FROM_CACHE.has(status)) fromCache++;
  }
  return { byStatus, requests, hitRatio: requests ? fromCache / requests : null };
}

/** Every edge instance's log together: what shoppers got, whichever instance served them. */
export function cdnCacheStats(t: Pick<Topology, "stateDir" | "logDir" | "cdnInstances">): CdnCacheStats {
  return parseCdnLog(t.cdnInstances.map((i) => cdnLogTail(cdnPaths(t, i.name).accessLog)).join("\n"));
}

function cdnLogTail(file: string): string {
  if (!existsSync(file)) return "";
  const size = statSync(file).size;
  const start = Math.max(0, size - TAIL_BYTES);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  let text = buf.toString("utf8");
  // A tail read may start mid-line: drop the partial first line.
  if (start > 0) text = text.slice(text.indexOf("\n") + 1);
  return text;
}

/** One edge instance answers on its own status port. */
export async function cdnInstanceHealthy(
  t: Pick<Topology, "host">,
  i: Pick<CdnInstance, "statusPort">,
  timeoutMs = 1000,
): Promise<boolean> {
  try {
    const res = await fetch(`http://${t.host}:${i.statusPort}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}

export async function cdnHealthy(
  t: Pick<Topology, "host" | "apps">,
  timeoutMs = 1000,
): Promise<boolean> {
  try {
    const res = await fetch(`http://${t.host}:${t.apps.cdn}/healthz`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}
