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

  it("keeps the listed storefront pages a few seconds each, one copy per encoding, never for a session", () => {
    const home = conf.slice(conf.indexOf('location ~ "^/$"'));
    const block = home.slice(0, home.indexOf("}"));
    expect(block).toMatch(/proxy_cache pages;/);
    expect(block).toMatch(/proxy_cache_valid 200 5s;/);
    expect(block).toContain('proxy_cache_key "$request_uri|$page_encoding|$http_rsc";');
    expect(block).toContain("proxy_set_header Accept-Encoding $page_encoding;");
    // The storefront's "private, no-store" and guest cart cookie are not kept nor passed on.
    expect(block).toMatch(/proxy_ignore_headers Cache-Control Expires Set-Cookie Vary;/);
    expect(block).toMatch(/proxy_hide_header Set-Cookie;/);
    expect(block).toMatch(/proxy_cache_bypass \$page_session \$api_cache_bypass;/);
    expect(block).toMatch(/proxy_no_cache \$page_session;/);
    expect(conf).toMatch(/map \$http_cookie \$page_session \{\s+default 0;\s+~session-token 1;/);
    expect(conf).toContain('location ~ "^/p/[^/]+$"');
    expect(cdnConfig(t, "cdn-1", [])).not.toContain("proxy_cache pages;");
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
