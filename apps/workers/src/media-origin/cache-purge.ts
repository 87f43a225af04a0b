/**
 * Purging one object from the CDN edge's cache. Debian's nginx has no `proxy_cache_purge` (that is
 * NGINX Plus or the third-party ngx_cache_purge module), so the origin deletes the cache file
 * itself: nginx names it md5(cache key) under `levels=1:2` folders, and a request whose file is
 * gone is simply a MISS that refetches. Media URLs are also versioned (`?v=<n>` is part of the
 * key), so a changed image normally gets a new URL and purge is only for mistakes (a wrong image
 * under an unchanged URL). Both run on the same machine: this works for the local edge only.
 */
import { createHash } from "node:crypto";
import { rmSync, existsSync } from "node:fs";
import { join } from "node:path";

/** Path of nginx's cache file for `key` with `levels=1:2` (last hex char, then the two before). */
export function cacheFileFor(cacheDir: string, key: string): string {
  const md5 = createHash("md5").update(key).digest("hex");
  return join(cacheDir, md5.slice(-1), md5.slice(-3, -1), md5);
}

/**
 * The edge caches videos in slices of this size, each under `<request URI>bytes=<start>-<end>`
 * (infra/local/src/config/nginx.ts, CDN_VIDEO_SLICE_BYTES: the two must agree).
 */
export const VIDEO_SLICE_BYTES = 1024 * 1024;
/** Slices a purge walks: 1 GB, more than the largest transcoded video can have. */
const MAX_VIDEO_SLICES = 1024;
const SLICED = /\.(mp4|webm)(\?|$)/;

function removeIfCached(cacheDir: string, key: string): boolean {
  const file = cacheFileFor(cacheDir, key);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

/**
 * Removes the cached copy of `key` (the request URI, query included) — for a video, every cached
 * slice of it; true if anything was there.
 */
export function purgeCacheKey(cacheDir: string, key: string): boolean {
  let purged = removeIfCached(cacheDir, key);
  if (!SLICED.test(key)) return purged;
  // A seek caches slices out of order, so every possible slice key is checked (1,024 stats).
  for (let i = 0; i < MAX_VIDEO_SLICES; i++) {
    const start = i * VIDEO_SLICE_BYTES;
    if (removeIfCached(cacheDir, `${key}bytes=${start}-${start + VIDEO_SLICE_BYTES - 1}`))
      purged = true;
  }
  return purged;
}
