import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EDGE_PAGES } from "@agora/config/edge-cache";
import { ensureCa, issueServerCert } from "../security/pki.ts";
import { topology } from "../topology.ts";
import {
  EDGE_BODY_LIMIT_BYTES,
  EDGE_UPLOAD_BODY_LIMIT_BYTES,
  edgePagePathRegex,
  edgeReadPathRegex,
  GATEWAY_BACKENDS,
  haproxyConfig,
  haproxyRuntimeSocket,
  haproxyServerStateFile,
  databaseStateFileOf,
  EDGE_PEERS,
  METRICS_PATH_ACL,
  runtimeSocketOf,
  serverStateFileOf,
  REQUEST_ID_REGEX,
  UPLOAD_PATH_REGEX,
} from "./haproxy.ts";

const t = topology("test");
const conf = haproxyConfig(t);

/** The configuration with a scratch CA and edge certificate in place of the state folder's. */
function scratchFiles(config: string, dir: string): string {
  const pki = ensureCa(dir, "haproxy config check");
  const edge = issueServerCert(pki, "edge");
  const pem = join(dir, "edge.pem");
  writeFileSync(pem, Buffer.concat([readFileSync(edge.cert), readFileSync(edge.key)]));
  return config.replaceAll(t.pki.caCert, pki.caCert).replaceAll(t.edge.certFile, pem);
}
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

  it("checks Patroni's REST API over TLS, verifying its certificate against the topology's CA", () => {
    const rw = section("listen core_rw");
    for (const n of t.clusters[0]!.nodes)
      expect(rw).toContain(
        `server ${n.name} ${t.host}:${n.pgPort} check port ${n.restPort} check-ssl verify required ca-file ${t.pki.caCert} verifyhost localhost`,
      );
  });

  it("keeps the read-write side's fast failover checks and lets real connections take a dead replica out of the read-only side", () => {
    for (const c of t.clusters) {
      const rw = section(`listen ${c.name}_rw`);
      expect(rw).toContain("inter 1s fastinter 500ms downinter 500ms fall 2 rise 1");
      expect(rw).not.toContain("observe");
      const ro = section(`listen ${c.name}_ro`);
      // Slower checks on the read side are only safe with passive detection and a retry elsewhere.
      expect(ro).toMatch(/default-server inter 3s .*observe layer4 error-limit 1 on-error mark-down/);
      expect(ro).toContain("option redispatch 1");
      expect(ro).toMatch(/\n {2}retries [1-9]/);
    }
  });

  it("checks the edge's servers less often while healthy but takes a failing one out no later than two-second checks did", () => {
    const worstCaseMs = (line: string) => {
      const ms = (name: string) => {
        const m = new RegExp(`\\b${name} (\\d+)(ms|s)\\b`).exec(line);
        return m ? Number(m[1]) * (m[2] === "s" ? 1000 : 1) : undefined;
      };
      const inter = ms("inter") ?? 2000;
      const fall = Number(/\bfall (\d+)/.exec(line)?.[1] ?? 3);
      return inter + (fall - 1) * (ms("fastinter") ?? inter);
    };
    for (const backend of ["backend storefront_gateway", "backend realtime_gateway", "backend vendor_portal_gateway", "backend ops_console_gateway"]) {
      const line = section(backend).split("\n").find((l) => l.includes("default-server")) ?? "";
      const fall = Number(/\bfall (\d+)/.exec(line)?.[1]);
      expect(worstCaseMs(line), backend).toBeLessThanOrEqual(2000 * fall);
      expect(line, backend).toMatch(/\binter [3-9]s\b/);
      expect(line, backend).toContain("downinter 2s");
    }
  });

  it.skipIf(!existsSync("/usr/sbin/haproxy"))("is a configuration HAProxy accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-haproxy-"));
    const file = join(dir, "haproxy.cfg");
    // HAProxy reads the CA and certificate files while checking: scratch ones stand in for the state's.
    writeFileSync(file, scratchFiles(conf, dir));
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

  it("sends the listed storefront pages through the edge cache for visitors without a session only", () => {
    const regex = new RegExp(edgePagePathRegex(EDGE_PAGES));
    for (const p of ["/", "/c/apparel", "/p/8f0c6d3e-2a4b-4c1d-9e7f-0a1b2c3d4e5f"])
      expect(regex.test(p), p).toBe(true);
    for (const p of ["/cart", "/checkout", "/orders/1", "/c/apparel/x", "/p/", "/account", "/search", "//"])
      expect(regex.test(p), p).toBe(false);
    // Every pattern anchored at both ends, or one page's pattern would take in others' paths.
    for (const page of EDGE_PAGES) expect(page.pathRegex, page.name).toMatch(/^\^.*\$$/);
    expect(edge).toMatch(
      /set-var\(txn\.edge_page\) bool\(true\) if edge_read edge_page !has_session !rsc_request \{ nbsrv\(edge_cache\) gt 0 \}/,
    );
    expect(edge).toContain("acl has_session req.hdr(cookie) -m sub session-token");
    expect(edge).toContain("use_backend edge_cache if { var(txn.edge_page) -m bool }");
    // A first-time visitor's guest cart cookie comes from the gateway, Secure over HTTPS.
    expect(edge).toMatch(/set-var\(txn\.new_cart\) uuid\(4\) if .* !\{ req\.cook\(agora_cart\) -m found \}/);
    expect(edge).toContain(
      'http-response add-header Set-Cookie "agora_cart=%[var(txn.new_cart)]; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax; Secure" if { var(txn.new_cart) -m found } { ssl_fc }',
    );
    // No page rules at all when the table is empty.
    expect(haproxyConfig(t, { edgePages: [] })).not.toContain("edge_page");
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

describe("haproxyConfig: registry-routed backends, request ids, body limits", () => {
  it("opens the runtime API at admin level and keeps server states across a restart", () => {
    expect(conf).toContain(`stats socket ${haproxyRuntimeSocket(t)} mode 600 level admin`);
    expect(conf).toContain(`server-state-file ${haproxyServerStateFile(t)}`);
    for (const { backend } of Object.values(GATEWAY_BACKENDS))
      expect(section(`backend ${backend}`)).toContain("load-server-state-from-file global");
    // The database backends start from their own checks or a live sibling's current states,
    // never from the sync's saved file (which may hold an old primary as UP).
    expect(section("defaults")).not.toContain("load-server-state-from-file");
    expect(section("listen core_rw")).toContain("load-server-state-from-file local");
    expect(section("listen core_rw")).toContain(`server-state-file-name ${databaseStateFileOf(t.haproxy)}`);
  });

  it("declares every service's slots: the topology's instances first, spare ones in maintenance", () => {
    const sf = section(`backend ${GATEWAY_BACKENDS.storefront.backend}`);
    t.apps.storefront.forEach((port, i) => expect(sf).toContain(`server storefront-${i + 1} ${t.host}:${port} check`));
    expect(sf).toContain(
      `server-template storefront- ${t.apps.storefront.length + 1}-${GATEWAY_BACKENDS.storefront.slots} ${t.host}:1 check disabled`,
    );
    expect(section(`backend ${GATEWAY_BACKENDS["vendor-portal"].backend}`)).toContain(
      `server vendor-portal-1 ${t.host}:${t.apps.vendorPortal} check`,
    );
    expect(section(`backend ${GATEWAY_BACKENDS["ops-console"].backend}`)).toContain(
      `server ops-console-1 ${t.host}:${t.apps.opsConsole} check`,
    );
  });

  it("fronts the vendor portal and the ops console on their own gateway ports with the same client rules", () => {
    for (const [name, port] of [
      ["frontend vendor_portal_edge", t.apps.vendorPortalGateway],
      ["frontend ops_console_edge", t.apps.opsConsoleGateway],
    ] as const) {
      const fe = section(name);
      expect(fe).toContain(`bind ${t.host}:${port}`);
      expect(fe).toContain("http-request set-header X-Forwarded-For %[src]");
      expect(fe).toContain("http-request track-sc0 src");
    }
  });

  it("gives every request an id unless the client sent a well-formed one, and returns it", () => {
    const edge = section("frontend gateway_edge");
    expect(edge).toContain("unique-id-format %[uuid()]");
    expect(edge).toContain(`http-request set-header X-Request-Id %[unique-id] unless { req.hdr(x-request-id) -m reg ${REQUEST_ID_REGEX} }`);
    expect(edge).toContain("http-response set-header X-Request-Id %[var(txn.request_id)]");
    const wellFormed = new RegExp(REQUEST_ID_REGEX);
    expect(wellFormed.test("4f1c2b8e-9d7a-4c55-8d0e-1b2c3d4e5f60")).toBe(true);
    for (const bad of ["short", "a b c d e f g h", "x\r\nSet-Cookie: a=b", "x".repeat(129)]) expect(wellFormed.test(bad), bad).toBe(false);
  });

  it("refuses bodies above the edge bound with 413, with a larger bound on the vendor portal's upload paths only", () => {
    expect(section("frontend gateway_edge")).toContain(
      `http-request deny deny_status 413 if { req.hdr_val(content-length) gt ${EDGE_BODY_LIMIT_BYTES} }`,
    );
    const vp = section("frontend vendor_portal_edge");
    expect(vp).toContain(`http-request deny deny_status 413 if upload_path { req.hdr_val(content-length) gt ${EDGE_UPLOAD_BODY_LIMIT_BYTES} }`);
    expect(vp).toContain(`http-request deny deny_status 413 if !upload_path { req.hdr_val(content-length) gt ${EDGE_BODY_LIMIT_BYTES} }`);
    const upload = new RegExp(UPLOAD_PATH_REGEX);
    for (const p of ["/api/imports", "/api/products/p_1/media"]) expect(upload.test(p), p).toBe(true);
    for (const p of ["/api/trpc/products.update", "/api/products/a/b/media", "/api/imports/x"]) expect(upload.test(p), p).toBe(false);
    expect(EDGE_UPLOAD_BODY_LIMIT_BYTES).toBeGreaterThan(20 * 1024 * 1024);
  });
});

const HAPROXY_BIN = "/usr/sbin/haproxy";

describe("haproxyConfig: HTTPS at the client-facing frontends", () => {
  const frontends = [
    ["frontend gateway_edge", t.apps.gateway, t.apps.gatewayHttps],
    ["frontend vendor_portal_edge", t.apps.vendorPortalGateway, t.apps.vendorPortalGatewayHttps],
    ["frontend ops_console_edge", t.apps.opsConsoleGateway, t.apps.opsConsoleGatewayHttps],
  ] as const;

  it("serves each app's frontend over TLS 1.3 only, with the edge certificate of the state folder's CA", () => {
    for (const [name, , https] of frontends)
      expect(section(name)).toContain(
        `bind ${t.host}:${https} ssl crt ${t.edge.certFile} ssl-min-ver TLSv1.3 alpn h2,http/1.1`,
      );
  });

  it("lets the test profile's plain ports serve (its HTTP clients keep their URLs)", () => {
    expect(t.edge.plainHttp).toBe("serve");
    for (const [name] of frontends) expect(section(name)).not.toContain("http-request redirect");
  });

  it("redirects every plain request with 308 to the same path on the HTTPS port where the plain port only redirects (npm start)", () => {
    const dev = { ...t, edge: { ...t.edge, plainHttp: "redirect" as const } };
    const devConf = haproxyConfig(dev);
    for (const [name, , https] of frontends) {
      const start = devConf.indexOf(`\n${name}\n`);
      const fe = devConf.slice(start, devConf.indexOf("\n\n", start + 1));
      expect(fe).toContain(
        `http-request redirect code 308 location https://${t.host}:${https}%[capture.req.uri] unless { ssl_fc }`,
      );
    }
    // The CDN's way back in stays plain and internal.
    const start = devConf.indexOf("\nfrontend storefront_pool\n");
    expect(devConf.slice(start, devConf.indexOf("\n\n", start + 1))).not.toContain("redirect");
  });
});

describe("haproxyConfig: two instances on the same addresses", () => {
  const [one, two] = t.haproxyInstances;
  const confOf = (i: NonNullable<typeof one>) => haproxyConfig(t, { instance: i });
  const binds = (c: string) => c.split("\n").filter((l) => l.trim().startsWith("bind ")).map((l) => l.trim());

  it("binds every frontend address in both, and only the stats page on an address of its own", () => {
    if (!one || !two) throw new Error("the topology declares two HAProxy instances");
    const a = binds(confOf(one));
    const b = binds(confOf(two));
    const shared = a.filter((x) => b.includes(x));
    expect(shared).toContain(`bind ${t.host}:${t.apps.gateway}`);
    expect(shared).toContain(`bind ${t.host}:${t.clusters[0]!.rwPort}`);
    expect(a.filter((x) => !b.includes(x))).toEqual([`bind ${t.host}:${one.statsPort}`]);
    expect(b.filter((x) => !a.includes(x))).toEqual([`bind ${t.host}:${two.statsPort}`]);
  });

  it("gives each instance its own runtime socket and state file, and shares the stick tables through peers", () => {
    if (!one || !two) throw new Error("the topology declares two HAProxy instances");
    const c2 = confOf(two);
    expect(runtimeSocketOf(two)).not.toBe(runtimeSocketOf(one));
    expect(c2).toContain(`stats socket ${runtimeSocketOf(two)} mode 600 level admin`);
    expect(c2).toContain(`server-state-file ${serverStateFileOf(two)}`);
    expect(c2).toContain(`localpeer ${two.name}`);
    for (const i of t.haproxyInstances) expect(c2).toContain(`  peer ${i.name} ${t.host}:${i.peerPort}`);
    const tables = c2.split("\n").filter((l) => l.includes("stick-table"));
    expect(tables.length).toBeGreaterThan(0);
    for (const l of tables) expect(l).toContain(`peers ${EDGE_PEERS}`);
  });

  it.skipIf(!existsSync(HAPROXY_BIN))("is a configuration HAProxy accepts, for each instance", () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-haproxy-pair-"));
    for (const i of t.haproxyInstances) {
      const file = join(dir, `${i.name}.cfg`);
      writeFileSync(file, scratchFiles(confOf(i), dir));
      execFileSync(HAPROXY_BIN, ["-c", "-q", "-f", file], { stdio: "pipe" });
    }
  });
});
