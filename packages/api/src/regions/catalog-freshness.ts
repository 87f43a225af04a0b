/**
 * How stale this region's catalog may be (the catalog is AP, docs/adr/0010): the age of the local
 * copy of core by the core region's replication heartbeat, plus the list cache's TTL on top. The
 * catalog pages carry it, so a shopper in `us` sees "as of N s ago" rather than silently old data.
 */
import { coreCopyAge } from "@agora/db";
import { createLogger } from "@agora/telemetry";
import { CACHE_TTL_MS } from "../cache/catalog-caches.ts";
import { regionSettings } from "./region-settings.ts";

export interface CatalogFreshness {
  region: string;
  /** The region whose primary the catalog read model comes from. */
  coreRegion: string;
  /** How old the copy that answers this region's reads is (ms); null when unknown. */
  copyAgeMs: number | null;
  /** Lists may be served from the cache for up to this long on top of copyAgeMs. */
  listCacheTtlMs: number;
  /** "replica": a local copy answered (always, unless it was unreachable). */
  servedBy: "primary" | "replica";
  at: string;
}

const log = createLogger({ service: "api" });

// One heartbeat read per second per process at most: the pages are cached, this must not undo that.
const REMEMBER_MS = 1_000;
let last: { at: number; value: CatalogFreshness } | undefined;

export async function catalogFreshness(): Promise<CatalogFreshness> {
  const now = Date.now();
  if (last && now - last.at < REMEMBER_MS) return last.value;
  const s = regionSettings();
  const age = await coreCopyAge(s.AGORA_CORE_REGION);
  const value: CatalogFreshness = {
    region: s.AGORA_REGION,
    coreRegion: s.AGORA_CORE_REGION,
    copyAgeMs: age.ageMs,
    listCacheTtlMs: CACHE_TTL_MS.list,
    servedBy: age.servedBy,
    at: new Date(now).toISOString(),
  };
  last = { at: now, value };
  return value;
}

/** Freshness as a page field: unknown (null) rather than failing the page when it cannot be read. */
export async function catalogFreshnessOrNull(): Promise<CatalogFreshness | null> {
  try {
    return await catalogFreshness();
  } catch (err) {
    // The page itself can be served; only its age could not be measured: say "unknown", log why.
    if (!(err instanceof Error)) throw err;
    log.warn({ err: err.message }, "catalog freshness not measured");
    return null;
  }
}
