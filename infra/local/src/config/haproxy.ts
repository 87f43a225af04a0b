import { dirname, join } from "node:path";
import {
  EDGE_CACHE_SECONDS,
  EDGE_PAGES,
  type EdgePage,
  GUEST_CART_COOKIE,
} from "@agora/config/edge-cache";
import type { HaproxyInstance, Topology } from "../topology.ts";

/**
 * HAProxy: per cluster a read-write port routed by Patroni's `/primary` health check and a
 * read-only port routed by `/replica`. `on-marked-down shutdown-sessions` cuts connections to a
 * demoted node at once, so no client keeps writing to an old primary.
 */
/** Matches the apps' metrics path however it is spelled (encoded, doubled slashes, `..`, case). */
export const METRICS_PATH_ACL = "path,url_dec,lower -m reg (^|/)api/+metrics(/|$)";
/** The backend of the edge cache of public API reads (nginx, on the CDN's port). */
const EDGE_CACHE = "edge_cache";
/**
 * Requests per client address per window before the edge itself answers 429: far above what a
 * shopper's browser or a test client sends (the API's own limits are the fine-grained ones).
 */
export const FLOOD_LIMIT = 5_000;
const FLOOD_WINDOW_S = 10;
/** Requests in flight per storefront instance; more wait in the edge's queue. */
const INSTANCE_MAXCONN = 16;
/**
 * Largest request body the edge lets through (413 above): the API's own bound is 1 MiB
 * (MAX_TRPC_BODY_BYTES). The vendor portal's upload paths get the import bound (MAX_IMPORT_BYTES,
 * 20 MiB; product images are at most 15 MiB) plus room for the multipart framing. Judged on
 * Content-Length; a chunked body is bounded by the app that reads it.
 */
export const EDGE_BODY_LIMIT_BYTES = 2 * 1024 * 1024;
export const EDGE_UPLOAD_BODY_LIMIT_BYTES = 21 * 1024 * 1024;
/** Paths that take uploads (vendor portal): CSV imports and product media. */
export const UPLOAD_PATH_REGEX = "^/api/(imports|products/[^/]+/media)$";
/** A client's X-Request-Id is kept only when it looks like an id (no log injection through it). */
export const REQUEST_ID_REGEX = "^[A-Za-z0-9._:-]{8,128}$";

/**
 * The registry-routed backends: per service (as it registers in etcd) the HAProxy backend and its
 * server slots. The topology's own instances get the first slots by name (storefront-1, …), so the
 * edge routes to them from its first second; the rest are spare slots in maintenance, filled by
 * the gateway sync (infra/local/src/gateway) through the runtime API — no reload for membership.
 */
export const GATEWAY_BACKENDS = {
  storefront: { backend: "storefront_gateway", slots: 8 },
  realtime: { backend: "realtime_gateway", slots: 6 },
  "vendor-portal": { backend: "vendor_portal_gateway", slots: 4 },
  "ops-console": { backend: "ops_console_gateway", slots: 4 },
} as const satisfies Record<string, { backend: string; slots: number }>;
export type GatewayService = keyof typeof GATEWAY_BACKENDS;

/** An instance's runtime API (level admin), a Unix socket beside its configuration. */
export const runtimeSocketOf = (i: Pick<HaproxyInstance, "configFile">): string =>
  join(dirname(i.configFile), "runtime.sock");
/** Where an instance's server states are saved (gateway sync, before a restart) and loaded from at start. */
export const serverStateFileOf = (i: Pick<HaproxyInstance, "configFile">): string =>
  join(dirname(i.configFile), "server-state");
/**
 * The database backends' starting states of a restarted instance: what a live sibling instance
 * sees right now (written just before the start, removed when no sibling answers). A fresh
 * HAProxy takes every server as UP until its first checks, so without this a restarted instance
 * on the shared ports would send read-write connections to replicas for a second or two.
 */
export const databaseStateFileOf = (i: Pick<HaproxyInstance, "configFile">): string =>
  join(dirname(i.configFile), "database-server-state");
/** The first instance's runtime socket. */
export const haproxyRuntimeSocket = (t: Pick<Topology, "haproxy">): string => runtimeSocketOf(t.haproxy);
/** The first instance's server-state file. */
export const haproxyServerStateFile = (t: Pick<Topology, "haproxy">): string => serverStateFileOf(t.haproxy);
/**
 * The `peers` section every instance declares: stick-table entries (the flood guard's request
 * rates) are pushed to the other instances, so the survivor of a crash knows who was flooding.
 * HAProxy's peers replicate entries rather than add them up: an instance takes the value its peer
 * pushed and counts on from there (measured: 40 requests spread over both → 40 in both tables);
 * simultaneous updates can overwrite each other, so the shared rate is approximate.
 */
export const EDGE_PEERS = "edge_peers";

/** `server` lines of the topology's instances, then `server-template` spare slots up to `slots`. */
function slotLines(t: Topology, service: GatewayService, ports: readonly number[], params: string): string[] {
  const { slots } = GATEWAY_BACKENDS[service];
  const lines = ports.slice(0, slots).map((port, i) => `  server ${service}-${i + 1} ${t.host}:${port} ${params}`);
  const first = lines.length + 1;
  // Spare slots start in maintenance (`disabled`): the sync gives them an address and a state.
  if (first <= slots) lines.push(`  server-template ${service}- ${first}-${slots} ${t.host}:1 ${params} disabled`);
  return lines;
}

/**
 * What every client-facing frontend does first: state the client address, give the request an id,
 * refuse the metrics path and bodies over the bound, and answer floods itself.
 */
function edgeRules(floodLimit: number, opts: { uploads?: boolean; peers?: string } = {}): string[] {
  const bodyLimit = opts.uploads
    ? [
        `  acl upload_path path_reg ${UPLOAD_PATH_REGEX}`,
        `  http-request deny deny_status 413 if upload_path { req.hdr_val(content-length) gt ${EDGE_UPLOAD_BODY_LIMIT_BYTES} }`,
        `  http-request deny deny_status 413 if !upload_path { req.hdr_val(content-length) gt ${EDGE_BODY_LIMIT_BYTES} }`,
      ]
    : [`  http-request deny deny_status 413 if { req.hdr_val(content-length) gt ${EDGE_BODY_LIMIT_BYTES} }`];
  return [
    "  http-request set-header X-Forwarded-For %[src]",
    // Request id: the client's when it looks like one, else a fresh UUID; passed to the apps and
    // returned to the client, so a support question and the logs/traces name the same request.
    "  unique-id-format %[uuid()]",
    `  http-request set-header X-Request-Id %[unique-id] unless { req.hdr(x-request-id) -m reg ${REQUEST_ID_REGEX} }`,
    "  http-request set-var(txn.request_id) req.hdr(x-request-id)",
    "  http-response set-header X-Request-Id %[var(txn.request_id)]",
    // The apps' /api/metrics is for the console's scraper, never for the outside: refused here on
    // the decoded, lower-cased path with any prefix (so `//API/%6Detrics` or `/x/../api/metrics`
    // are refused too), and token-checked by the apps for anything reaching an instance directly.
    `  http-request deny deny_status 404 if { ${METRICS_PATH_ACL} }`,
    ...bodyLimit,
    // Coarse flood guard per client address, ahead of the API's own per-client limits (which
    // stay the real ones): an address sending more than this is refused here, costing no app CPU.
    `  stick-table type ip size 100k expire 30s store http_req_rate(${FLOOD_WINDOW_S}s)${opts.peers ? ` peers ${opts.peers}` : ""}`,
    "  http-request track-sc0 src",
    `  http-request return status 429 content-type text/plain string "Too many requests from your address; try again in a few seconds." hdr Retry-After ${FLOOD_WINDOW_S} if { sc_http_req_rate(0) gt ${floodLimit} }`,
  ];
}

/**
 * The path of a plain GET of edge-cacheable procedures only: one (`/api/trpc/catalog.home`) or a
 * batch of them (`/api/trpc/catalog.home,search.suggest`). Anything else (a cart, an order) goes
 * straight to a storefront: through the cache it would only pay an extra hop and nginx's timeout.
 */
export function edgeReadPathRegex(procedures: readonly string[]): string {
  // `[.]` rather than `\.`: HAProxy's configuration parser treats a backslash as its own escape.
  const one = `(?:${procedures.map((p) => p.replace(/[.]/g, "[.]")).join("|")})`;
  return `^/api/trpc/${one}(?:,${one})*$`;
}

/** The paths of the storefront pages the edge keeps for visitors without a session (EDGE_PAGES). */
export function edgePagePathRegex(pages: readonly EdgePage[]): string {
  // Each pattern is anchored at both ends, and `|` binds loosest: no group needed (HAProxy warns
  // about a pattern that starts with one).
  return pages.map((p) => p.pathRegex).join("|");
}

/**
 * Storefront pages from the edge cache (`@agora/config/edge-cache` EDGE_PAGES): a plain GET of a
 * listed page by a visitor with no session cookie and not a client navigation's RSC request (same
 * URL, another body). The cached page carries no Set-Cookie (nginx keeps none), so a first-time
 * visitor gets the guest cart cookie from the gateway here, as the storefront's proxy would have
 * given it: every visitor has a cart id from the first page on.
 */
function edgePageRules(pages: readonly EdgePage[]): string[] {
  if (pages.length === 0) return [];
  const cart = GUEST_CART_COOKIE;
  const cookie = `${cart.name}=%[var(txn.new_cart)]; Path=/; Max-Age=${cart.maxAgeSeconds}; HttpOnly; SameSite=Lax`;
  return [
    `  acl edge_page path_reg ${edgePagePathRegex(pages)}`,
    // Any session cookie (secure or not, chunked or not) sends the page to a storefront.
    "  acl has_session req.hdr(cookie) -m sub session-token",
    "  acl rsc_request req.hdr(rsc) -m found",
    `  http-request set-var(txn.edge_page) bool(true) if edge_read edge_page !has_session !rsc_request { nbsrv(${EDGE_CACHE}) gt 0 }`,
    `  http-request set-var(txn.new_cart) uuid(4) if { var(txn.edge_page) -m bool } !{ req.cook(${cart.name}) -m found }`,
    `  http-response add-header Set-Cookie "${cookie}; Secure" if { var(txn.new_cart) -m found } { ssl_fc }`,
    `  http-response add-header Set-Cookie "${cookie}" if { var(txn.new_cart) -m found } !{ ssl_fc }`,
    `  use_backend ${EDGE_CACHE} if { var(txn.edge_page) -m bool }`,
  ];
}

/**
 * A client-facing frontend's listeners: its plain port and its HTTPS port (TLS 1.3 only, the
 * edge certificate from the state folder's CA; HTTP/2 or HTTP/1.1). With `plainHttp: "redirect"`
 * a request on the plain port gets a 308 to the same path on the HTTPS port (308 keeps the method
 * and body, so a POST is not turned into a GET). The target host is the topology's own address,
 * never the request's Host header (no open redirect). X-Forwarded-Proto tells the apps which way
 * the request came; they add Strict-Transport-Security to HTTPS answers (tools/next-config).
 */
function edgeBinds(t: Topology, plainPort: number, httpsPort: number): string[] {
  return [
    `  bind ${t.host}:${plainPort}`,
    `  bind ${t.host}:${httpsPort} ssl crt ${t.edge.certFile} ssl-min-ver TLSv1.3 alpn h2,http/1.1`,
  ];
}

function edgeScheme(t: Topology, httpsPort: number): string[] {
  return [
    "  http-request set-header X-Forwarded-Proto https if { ssl_fc }",
    "  http-request set-header X-Forwarded-Proto http unless { ssl_fc }",
    ...(t.edge.plainHttp === "redirect"
      ? [`  http-request redirect code 308 location https://${t.host}:${httpsPort}%[capture.req.uri] unless { ssl_fc }`]
      : []),
  ];
}

/**
 * Health-check timing of a cluster's servers (Patroni's REST API decides: `/primary`, `/replica`).
 * - `inter 1s`: an UP server is checked every second; with `fall 2` (and `fastinter 500ms` after
 *   a first failure) a dead primary is out within ~1.5 s and a frozen one (each check waits
 *   `timeout check 1s`) within ~3 s. Two failures, not one, so one slow answer of a busy Patroni
 *   does not cut every session of a healthy primary.
 * - `downinter` of the read-write side 500ms (was 1s): how soon a newly promoted primary is found
 *   (`rise 1`: one good check is enough, Patroni answers 200 only to the lock holder). It costs
 *   two checks a second per replica per HAProxy instance (each a TLS request and a Postgres query
 *   in Patroni); the read-only side keeps 1 s, a replica joining later is no outage.
 * - `on-marked-down shutdown-sessions`: a demoted or fenced primary's sessions are cut at once, so
 *   no client keeps writing to it.
 * - The read-only side checks every 3 s (a server that is down every 5 s). Every check is a new TLS
 *   connection to Patroni and a query in its Postgres; the read-only side was 14 of the idle
 *   product's 36 checks a second (two HAProxy instances), now 4. What it gives up is passive:
 *   `observe layer4 … on-error mark-down` takes a replica out on the first connection to it that
 *   fails (refused or timed out), without waiting for the checks, and `retries` + `redispatch`
 *   send that connection to another member. A promoted replica keeps serving reads (correctly) for
 *   up to ~3.5 s until its `/replica` check fails twice; a member that rejoins as a replica takes
 *   reads within 5 s. The read-write side keeps the timing above: it decides failover times.
 */
export function databaseCheckTiming(role: "rw" | "ro"): string[] {
  if (role === "rw")
    return ["  default-server inter 1s fastinter 500ms downinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions"];
  return [
    "  retries 2",
    "  option redispatch 1",
    "  default-server inter 3s fastinter 500ms downinter 5s fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down on-marked-down shutdown-sessions",
  ];
}

/**
 * Health-check timing of the HTTP edge's servers (storefronts, portal, console, Socket.IO gateways,
 * the edge cache). Each check of a Next.js server is a request through Next (~3.4 ms of CPU for a
 * constant /healthz), from each of the two HAProxy instances. An UP server is checked every 4 s
 * (3 s where two failures take it out); after a first failure the next checks come every second
 * (`fastinter`), so a dead or frozen instance is out as soon as before — three failures within
 * 4 + 1 + 1 s, two within 3 + 1 s, against 2 + 2 + 2 and 2 + 2 s with `inter 2s` alone — for
 * half (a third fewer) of the checks while healthy. A server that is down is checked every 2 s (`downinter`), as before, so
 * a recovered instance is back as soon. Requests to a dead instance do not wait for either: it
 * refuses the connection and `redispatch` sends the request to another.
 */
export const EDGE_CHECK_TIMING = {
  fall3: "inter 4s fastinter 1s downinter 2s fall 3 rise 1",
  fall2: "inter 3s fastinter 1s downinter 2s fall 2 rise 1",
} as const;

export interface HaproxyOptions {
  /** Requests per address per window before the edge answers 429 (FLOOD_LIMIT). */
  floodLimit?: number;
  /** The procedures whose plain GETs go through the edge cache (the API's EDGE_CACHE_SECONDS). */
  edgeProcedures?: readonly string[];
  /** The storefront pages the edge keeps for visitors without a session (EDGE_PAGES). */
  edgePages?: readonly EdgePage[];
  /** Which instance this configuration is for (default the first). */
  instance?: HaproxyInstance;
}

/**
 * One instance's configuration. Every instance binds the same frontend addresses: HAProxy sets
 * SO_REUSEPORT on its listeners on Linux, so two processes of one user share each port and the
 * kernel spreads new connections over them; only the stats page, the runtime socket, the
 * server-state file and the peer port are the instance's own.
 */
export function haproxyConfig(t: Topology, opts: HaproxyOptions = {}): string {
  const floodLimit = opts.floodLimit ?? FLOOD_LIMIT;
  const edgeProcedures = opts.edgeProcedures ?? Object.keys(EDGE_CACHE_SECONDS);
  const edgePages = opts.edgePages ?? EDGE_PAGES;
  const self = opts.instance ?? t.haproxy;
  const peers = t.haproxyInstances.length > 1 ? EDGE_PEERS : undefined;
  const lines: string[] = [
    "global",
    "  maxconn 2000",
    "  log stdout format raw local0 notice",
    // The gateway sync's way in (set server addr/state); the state file keeps what it set across a restart.
    `  stats socket ${runtimeSocketOf(self)} mode 600 level admin`,
    `  server-state-file ${serverStateFileOf(self)}`,
    // Its name among the peers (the `peer` line with this name is its own listener).
    ...(peers ? [`  localpeer ${self.name}`] : []),
    "",
    ...(peers
      ? [`peers ${peers}`, ...t.haproxyInstances.map((i) => `  peer ${i.name} ${t.host}:${i.peerPort}`), ""]
      : []),
    "defaults",
    "  mode tcp",
    "  log global",
    "  timeout connect 2s",
    "  timeout client 30m",
    "  timeout server 30m",
    "  timeout check 1s",
    "",
    "listen stats",
    "  mode http",
    `  bind ${t.host}:${self.statsPort}`,
    "  stats enable",
    "  stats uri /",
    "  stats refresh 2s",
    "",
  ];
  for (const c of t.clusters) {
    for (const role of ["rw", "ro"] as const) {
      const port = role === "rw" ? c.rwPort : c.roPort;
      const check = role === "rw" ? "/primary" : "/replica";
      lines.push(
        `listen ${c.name}_${role}`,
        `  bind ${t.host}:${port}`,
        // Only a live sibling's current states (databaseStateFileOf), never the sync's saved file.
        "  load-server-state-from-file local",
        `  server-state-file-name ${databaseStateFileOf(self)}`,
        "  balance roundrobin",
        `  option httpchk GET ${check}`,
        "  http-check expect status 200",
        ...databaseCheckTiming(role),
        // Patroni's REST API is https only: the check verifies its certificate against the
        // topology's CA and its name (the Postgres traffic itself passes through untouched).
        ...c.nodes.map(
          (n) =>
            `  server ${n.name} ${t.host}:${n.pgPort} check port ${n.restPort} check-ssl verify required ca-file ${t.pki.caCert} verifyhost localhost`,
        ),
        "",
      );
    }
  }
  // HTTP edge: the storefront instances behind one gateway port, health-checked on /healthz;
  // /socket.io/ goes to the Socket.IO gateways (same origin, so the session cookie comes along).
  // The edge states the client address itself: X-Forwarded-For is replaced (not appended to) with
  // the connection's source, so a client cannot pick the address the apps' per-IP limits count.
  // The client-facing rules live in the frontend only: the edge cache's misses enter the same
  // backend through `storefront_pool` and must keep the client address the gateway wrote (a
  // `listen` section would run its rules again and count every miss against the cache's address).
  lines.push(
    "frontend gateway_edge",
    "  mode http",
    ...edgeBinds(t, t.apps.gateway, t.apps.gatewayHttps),
    ...edgeRules(floodLimit, { peers }),
    ...edgeScheme(t, t.apps.gatewayHttps),
    // Plain GETs of the procedures the API may mark `public, s-maxage=N`
    // (packages/api/src/cache/edge-cache.ts) go through the edge cache (nginx, config/nginx.ts),
    // which keeps those answers and coalesces misses; a streamed batch (`trpc-accept`) has another
    // body under the same URL and goes straight to a storefront, as does every other procedure
    // and everything while the cache is down.
    "  acl edge_read method GET",
    `  acl edge_read_path path_reg ${edgeReadPathRegex(edgeProcedures)}`,
    "  acl trpc_stream req.hdr(trpc-accept) -m found",
    ...edgePageRules(edgePages),
    `  use_backend ${EDGE_CACHE} if edge_read edge_read_path !trpc_stream { nbsrv(${EDGE_CACHE}) gt 0 }`,
    "  use_backend realtime_gateway if { path_beg /socket.io/ }",
    "  default_backend storefront_gateway",
    "  timeout client 60s",
    "",
    "backend storefront_gateway",
    "  mode http",
    // Registry-routed: slot addresses and admin states come back from the state file on a
    // restart (the database backends start from their checks alone).
    "  load-server-state-from-file global",
    "  balance roundrobin",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  timeout server 60s",
    // Back-pressure: at most INSTANCE_MAXCONN requests in flight per instance, the rest wait here
    // (up to `timeout queue`, then 503; long enough for a burst of checkouts to drain). A Node server handed every connection at once answers all
    // of them late, its health check included, and the edge would take it out of rotation.
    "  timeout queue 30s",
    // A busy instance may take longer than the defaults' 1 s to answer its check; three misses in
    // a row (6 s) take it out. A dead one refuses connections: those requests go to the other
    // instance at once (redispatch), they do not wait for the check.
    "  timeout check 3s",
    "  option redispatch",
    "  retries 2",
    `  default-server ${EDGE_CHECK_TIMING.fall3} maxconn ${INSTANCE_MAXCONN}`,
    ...slotLines(t, "storefront", t.apps.storefront, "check"),
    "",
    // The edge cache's way to the storefronts: the same instances, queue and health checks as
    // the gateway. Internal (nginx only): X-Forwarded-For, which the gateway wrote, passes as is.
    "frontend storefront_pool",
    "  mode http",
    `  bind ${t.host}:${t.apps.storefrontPool}`,
    "  timeout client 60s",
    "  default_backend storefront_gateway",
    "",
    `backend ${EDGE_CACHE}`,
    "  mode http",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  timeout server 60s",
    `  default-server ${EDGE_CHECK_TIMING.fall2}`,
    `  server cdn ${t.host}:${t.apps.cdn} check`,
    "",
    // Websocket only (no polling), so no stickiness is needed: any instance serves any socket,
    // the Redis adapter relays room emits between them. `timeout tunnel` governs an upgraded
    // connection; Socket.IO's 25 s pings keep it well inside the hour.
    "backend realtime_gateway",
    "  mode http",
    "  load-server-state-from-file global",
    "  balance leastconn",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  timeout server 60s",
    "  timeout tunnel 1h",
    `  default-server ${EDGE_CHECK_TIMING.fall2} on-marked-down shutdown-sessions`,
    ...slotLines(t, "realtime", t.apps.realtime, "check"),
    "",
  );
  // The vendor portal and the ops console behind the edge too (their direct ports stay, and stay
  // their NEXTAUTH_URL): same client-facing rules, registry-routed backends.
  for (const [service, port, httpsPort, instance] of [
    ["vendor-portal", t.apps.vendorPortalGateway, t.apps.vendorPortalGatewayHttps, t.apps.vendorPortal],
    ["ops-console", t.apps.opsConsoleGateway, t.apps.opsConsoleGatewayHttps, t.apps.opsConsole],
  ] as const) {
    const { backend } = GATEWAY_BACKENDS[service];
    lines.push(
      `frontend ${backend.replace(/_gateway$/, "_edge")}`,
      "  mode http",
      ...edgeBinds(t, port, httpsPort),
      ...edgeRules(floodLimit, { uploads: service === "vendor-portal", peers }),
      ...edgeScheme(t, httpsPort),
      "  timeout client 60s",
      `  default_backend ${backend}`,
      "",
      `backend ${backend}`,
      "  mode http",
      "  load-server-state-from-file global",
      "  balance leastconn",
      "  option httpchk GET /healthz",
      "  http-check expect status 200",
      "  timeout server 60s",
      "  timeout check 3s",
      "  option redispatch",
      "  retries 2",
      `  default-server ${EDGE_CHECK_TIMING.fall3}`,
      ...slotLines(t, service, [instance], "check"),
      "",
    );
  }
  return lines.join("\n");
}
