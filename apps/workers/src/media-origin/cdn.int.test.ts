/**
 * The nginx CDN edge (started by the launcher with the test topology) in front of an in-process
 * media origin on the topology's origin port: MISS then HIT, content type and caching headers,
 * the origin asked once, stale objects served while the origin is down, purge, hit counting.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, mediaOriginTokenSchema } from "@agora/config";
import { cdnCacheDirs } from "@agora/infra-local/cdn";
import { cdnCacheStats } from "@agora/infra-local/probes";
import { topology } from "@agora/infra-local/topology";
import { createMediaOrigin, IMMUTABLE_CACHE_CONTROL, type MediaOrigin } from "./media-server.ts";

const token = loadConfig(mediaOriginTokenSchema).AGORA_MEDIA_ORIGIN_TOKEN;

const t = topology("test");
const run = randomUUID().slice(0, 8);
const folder = `cdn-test-${run}`;
const mediaDir = join(t.stateDir, "media", folder);
// One edge instance by its own address: the shared port reaches either instance, each with its
// own cache, so "MISS, then HIT" is a statement about one of them.
const edge = `http://${t.host}:${t.cdnInstances[0]!.statusPort}`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>\n`;

let origin: MediaOrigin | undefined;

/** Objects under `short/` expire after 1 s, so the stale-while-origin-down path can be shown. */
async function startOrigin(): Promise<MediaOrigin> {
  const o = createMediaOrigin({
    stateDir: t.stateDir,
    token,
    // Every edge instance keeps its own copy: the purge reaches them all.
    cacheDir: cdnCacheDirs(t),
    cacheControl: (path) =>
      path.includes("/short/") ? "public, max-age=1" : IMMUTABLE_CACHE_CONTROL,
  });
  await o.listen(t.apps.mediaOrigin, t.host);
  return o;
}

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${edge}${path}`, { headers, signal: AbortSignal.timeout(5000) });

beforeAll(async () => {
  mkdirSync(join(mediaDir, "short"), { recursive: true });
  writeFileSync(join(mediaDir, "pic.svg"), SVG);
  writeFileSync(join(mediaDir, "purge.svg"), SVG);
  writeFileSync(join(mediaDir, "short", "pic.svg"), SVG);
  writeFileSync(join(mediaDir, "photo.png"), Buffer.from("89504e470d0a1a0a", "hex"));
  origin = await startOrigin();
});

afterAll(async () => {
  await origin?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe("CDN edge (nginx proxy_cache) in front of the media origin", () => {
  it("answers MISS first and HIT afterwards, asking the origin once, with the origin's headers", async () => {
    const path = `/media/${folder}/pic.svg`;
    const before = cdnCacheStats(t).byStatus.HIT ?? 0;
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.headers.get("content-type")).toBe("image/svg+xml");
    expect(first.headers.get("cache-control")).toBe(IMMUTABLE_CACHE_CONTROL);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(await first.text()).toBe(SVG);

    const second = await get(path);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("etag")).toBe(etag);
    expect(await second.text()).toBe(SVG);
    expect(origin?.stats.byPath[path]).toBe(1);

    // A browser revalidating with the ETag gets a 304 from the edge itself.
    const revalidate = await get(path, { "if-none-match": etag ?? "" });
    expect(revalidate.status).toBe(304);
    expect(origin?.stats.byPath[path]).toBe(1);
    expect(cdnCacheStats(t).byStatus.HIT ?? 0).toBeGreaterThanOrEqual(before + 2);
  });

  it("serves each type with its content type and 404s unknown or escaping paths", async () => {
    const png = await get(`/media/${folder}/photo.png`);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect((await get(`/media/${folder}/missing.svg`)).status).toBe(404);
    expect((await get(`/media/${folder}/..%2f..%2fsecrets.json`)).status).toBe(404);
  });

  it("keeps serving cached objects while the origin is down, stale ones included", async () => {
    const fresh = `/media/${folder}/pic.svg`;
    const short = `/media/${folder}/short/pic.svg`;
    expect((await get(short)).headers.get("x-cache")).toBe("MISS");
    await origin?.close();
    origin = undefined;
    try {
      const hit = await get(fresh);
      expect(hit.status).toBe(200);
      expect(hit.headers.get("x-cache")).toBe("HIT");
      await sleep(2500); // `short/` objects expire after 1 s (nginx counts whole seconds)
      const stale = await get(short);
      expect(stale.status).toBe(200);
      expect(stale.headers.get("x-cache")).toBe("STALE");
      expect(await stale.text()).toBe(SVG);
      // never cached and no origin: a gateway error, not a hang
      expect((await get(`/media/${folder}/photo-never-fetched.png`)).status).toBe(502);
    } finally {
      origin = await startOrigin();
    }
  });

  it("purges one object by removing its cache file, so the next request refetches it", async () => {
    const path = `/media/${folder}/purge.svg`;
    expect((await get(path)).headers.get("x-cache")).toBe("MISS");
    expect((await get(path)).headers.get("x-cache")).toBe("HIT");
    const purgeUrl = `http://${t.host}:${t.apps.mediaOrigin}/cache${path}`;
    expect((await fetch(purgeUrl, { method: "DELETE" })).status).toBe(401);
    expect((await get(path)).headers.get("x-cache")).toBe("HIT");
    const res = await fetch(purgeUrl, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toEqual({ key: path, purged: true });
    expect((await get(path)).headers.get("x-cache")).toBe("MISS");
    expect(origin?.stats.byPath[path]).toBe(2);
  });
});
