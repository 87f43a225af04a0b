import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { topology } from "../topology.ts";
import { edgeReadPathRegex, haproxyConfig, METRICS_PATH_ACL } from "./haproxy.ts";

const t = topology("test");
const conf = haproxyConfig(t);
const section = (name: string) => {
  const start = conf.indexOf(`\n${name}\n`);
  const end = conf.indexOf("\n\n", start + 1);
  return conf.slice(start, end === -1 ? undefined : end);
};

describe("haproxyConfig: the HTTP edge", () => {
  it("replaces a client's X-Forwarded-For with the connection's source address instead of appending to it", () => {
    const edge = section("frontend gateway_edge");
    expect(edge).toContain("http-request set-header X-Forwarded-For %[src]");
    expect(conf).not.toMatch(/option forwardfor/);
  });

  it("refuses the apps' /api/metrics to outside requests however the path is spelled", () => {
    expect(section("frontend gateway_edge")).toContain(`http-request deny deny_status 404 if { ${METRICS_PATH_ACL} }`);
    // The ACL's own regex, applied as HAProxy does: to url_dec + lower of the path.
    const regex = new RegExp(METRICS_PATH_ACL.split(" -m reg ")[1] ?? "");
    const refused = (path: string) => regex.test(decodeURIComponent(path).toLowerCase());
    for (const p of ["/api/metrics", "//API/%6Detrics", "/x/../api/metrics", "/api//metrics/", "/api/metrics/x"])
      expect(refused(p), p).toBe(true);
    for (const p of ["/api/trpc/catalog.list", "/metrics", "/api/metricsx", "/p/api-metrics"])
      expect(refused(p), p).toBe(false);
  });

  it.skipIf(!existsSync("/usr/sbin/haproxy"))("is a configuration HAProxy accepts", () => {
    const file = join(mkdtempSync(join(tmpdir(), "agora-haproxy-")), "haproxy.cfg");
    writeFileSync(file, conf);
    expect(() =>
      execFileSync("/usr/sbin/haproxy", ["-c", "-q", "-f", file], { stdio: "pipe" }),
    ).not.toThrow();
  });
});

describe("haproxyConfig: the edge's cache, flood guard and back-pressure", () => {
  const edge = section("frontend gateway_edge");

  it("sends plain GETs of cacheable procedures through the edge cache while it is up, streamed batches never", () => {
    expect(edge).toMatch(
      /use_backend edge_cache if edge_read edge_read_path !trpc_stream \{ nbsrv\(edge_cache\) gt 0 \}/,
    );
    expect(section("backend edge_cache")).toContain(`server cdn ${t.host}:${t.apps.cdn} check`);
    // The cache's misses come back through the same instances, queue and health checks.
    expect(section("frontend storefront_pool")).toContain("default_backend storefront_gateway");
  });

  it("sends only the procedures the API may mark public to the cache, alone or batched", () => {
    const regex = new RegExp(edgeReadPathRegex(["catalog.home", "search.suggest"]));
    for (const p of ["/api/trpc/catalog.home", "/api/trpc/search.suggest,catalog.home"])
      expect(regex.test(p), p).toBe(true);
    for (const p of [
      "/api/trpc/cart.get",
      "/api/trpc/catalog.home,cart.get",
      "/api/trpc/catalogXhome",
      "/api/trpc/catalog.homepage",
      "/api/trpc/orders.get",
    ])
      expect(regex.test(p), p).toBe(false);
    // By default the list is the API's own (EDGE_CACHE_SECONDS).
    expect(edge).toMatch(/acl edge_read_path path_reg \^\/api\/trpc\/\(\?:.*catalog\[\.\]product/);
  });

  it("refuses a flooding address with 429 and Retry-After before any app sees it", () => {
    expect(edge).toMatch(/stick-table type ip .* store http_req_rate\(10s\)/);
    expect(edge).toContain("http-request track-sc0 src");
    expect(edge).toMatch(/http-request return status 429 .* hdr Retry-After 10 if \{ sc_http_req_rate\(0\) gt \d+ \}/);
  });

  it("bounds the requests in flight per instance and queues the rest", () => {
    const pool = section("backend storefront_gateway");
    expect(pool).toMatch(/default-server .*maxconn 16/);
    expect(pool).toContain("timeout queue 30s");
  });
});
