import { describe, expect, it } from "vitest";
import { parseCdnLog } from "../probes/cdn.ts";
import { topology } from "../topology.ts";
import { cdnConfig, cdnPaths } from "./nginx.ts";

const t = topology("test");
const conf = cdnConfig(t);

describe("cdnConfig", () => {
  it("listens on the CDN port and proxies /media/ to the media origin with a cache", () => {
    // Every instance on the one address: SO_REUSEPORT, the kernel spreads connections over them.
    expect(conf).toContain(`listen ${t.host}:${t.apps.cdn} reuseport;`);
    expect(conf).toContain(`proxy_pass http://${t.host}:${t.apps.mediaOrigin};`);
    expect(conf).toMatch(/proxy_cache media;/);
    expect(conf).toContain("add_header X-Cache $upstream_cache_status always;");
  });

  it("serves stale objects when the origin errors, times out or is down", () => {
    expect(conf).toMatch(
      /proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;/,
    );
  });

  it("caches public API reads with stampede protection, fetching misses through HAProxy's storefront pool", () => {
    const api = conf.slice(conf.indexOf("location /api/trpc/"));
    expect(conf).toContain(`server ${t.host}:${t.apps.storefrontPool} max_fails=0;`);
    expect(api).toMatch(/proxy_cache api;/);
    expect(api).toMatch(/proxy_cache_lock on;/);
    expect(api).toMatch(/proxy_cache_use_stale error timeout updating/);
    expect(api).toMatch(/proxy_cache_background_update on;/);
    // Nothing is kept unless the origin says so.
    expect(api.slice(0, api.indexOf("}"))).not.toMatch(/proxy_cache_valid/);
  });

  it("keeps every file nginx writes inside the state folder", () => {
    const paths = [
      ...conf.matchAll(
        /^\s*(?:pid|error_log|access_log|proxy_cache_path|\w+_temp_path)\s+(\/\S+?);?(?:\s|$)/gm,
      ),
    ].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThanOrEqual(8);
    for (const p of paths) expect(p.startsWith(t.stateDir), p).toBe(true);
    expect(conf).not.toContain("/var/");
    expect(cdnPaths(t).cacheDir.startsWith(t.stateDir)).toBe(true);
  });
});

describe("parseCdnLog", () => {
  it("counts requests per cache status and the share served from the cache", () => {
    const s = parseCdnLog(
      [
        "1.0 200 MISS 10 /media/a.svg",
        "1.1 200 HIT 10 /media/a.svg",
        "1.2 200 HIT 10 /media/a.svg",
        "1.3 200 STALE 10 /media/a.svg",
        "",
      ].join("\n"),
    );
    expect(s.byStatus).toEqual({ MISS: 1, HIT: 2, STALE: 1 });
    expect(s.hitRatio).toBe(0.75);
    expect(parseCdnLog("").hitRatio).toBeNull();
  });
});
