import type { Topology } from "../topology.ts";

/**
 * HAProxy: per cluster a read-write port routed by Patroni's `/primary` health check and a
 * read-only port routed by `/replica`. `on-marked-down shutdown-sessions` cuts connections to a
 * demoted node at once, so no client keeps writing to an old primary.
 */
/** Matches the apps' metrics path however it is spelled (encoded, doubled slashes, `..`, case). */
export const METRICS_PATH_ACL = "path,url_dec,lower -m reg (^|/)api/+metrics(/|$)";

export function haproxyConfig(t: Topology): string {
  const lines: string[] = [
    "global",
    "  maxconn 2000",
    "  log stdout format raw local0 notice",
    "",
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
    `  bind ${t.host}:${t.haproxy.statsPort}`,
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
        "  balance roundrobin",
        `  option httpchk GET ${check}`,
        "  http-check expect status 200",
        "  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1 on-marked-down shutdown-sessions",
        ...c.nodes.map((n) => `  server ${n.name} ${t.host}:${n.pgPort} check port ${n.restPort}`),
        "",
      );
    }
  }
  // HTTP edge: the storefront instances behind one gateway port, health-checked on /healthz;
  // /socket.io/ goes to the Socket.IO gateways (same origin, so the session cookie comes along).
  // The edge states the client address itself: X-Forwarded-For is replaced (not appended to) with
  // the connection's source, so a client cannot pick the address the apps' per-IP limits count.
  lines.push(
    "listen storefront_gateway",
    "  mode http",
    `  bind ${t.host}:${t.apps.gateway}`,
    "  balance roundrobin",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  http-request set-header X-Forwarded-For %[src]",
    // The apps' /api/metrics is for the console's scraper, never for the outside: refused here on
    // the decoded, lower-cased path with any prefix (so `//API/%6Detrics` or `/x/../api/metrics`
    // are refused too), and token-checked by the apps for anything reaching an instance directly.
    `  http-request deny deny_status 404 if { ${METRICS_PATH_ACL} }`,
    "  timeout client 60s",
    "  timeout server 60s",
    "  default-server inter 2s fall 2 rise 1",
    "  use_backend realtime_gateway if { path_beg /socket.io/ }",
    ...t.apps.storefront.map((port, i) => `  server storefront-${i + 1} ${t.host}:${port} check`),
    "",
    // Websocket only (no polling), so no stickiness is needed: any instance serves any socket,
    // the Redis adapter relays room emits between them. `timeout tunnel` governs an upgraded
    // connection; Socket.IO's 25 s pings keep it well inside the hour.
    "backend realtime_gateway",
    "  mode http",
    "  balance leastconn",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  timeout server 60s",
    "  timeout tunnel 1h",
    "  default-server inter 2s fall 2 rise 1 on-marked-down shutdown-sessions",
    ...t.apps.realtime.map((port, i) => `  server realtime-${i + 1} ${t.host}:${port} check`),
    "",
  );
  return lines.join("\n");
}
