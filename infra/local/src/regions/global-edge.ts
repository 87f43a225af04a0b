/**
 * The global edge: the Route53 counterpart of the two-region profile (issue #14 item 4). One
 * HAProxy frontend in front of both regions sends each client to its own region while that region
 * is healthy, and to the other one when it is not. HAProxy does it (health checks, `nbsrv` ACLs,
 * rise/fall hysteresis) rather than hand-written routing code.
 *
 *  - Client location is simulated by the `X-Agora-Client-Region` request header (set by the load
 *    tool, a test or a browser extension); no header or an unknown value = a client of eu.
 *  - A region is healthy when its storefront answers `/readyz` (it can serve reads: core's copy
 *    answers) AND a copy of core is running there by Patroni's REST API (`/health`: Postgres up,
 *    as primary, replica or standby leader). The second check is what tells a region that lost
 *    its database from one whose apps are merely slow; a node failover inside a region keeps a
 *    member running, so it does not move the region's clients.
 *  - Every answer carries `X-Agora-Region` (which region served it); the edge sets it per backend.
 *
 * Whether a region can take *writes* (orders) is not a routing input: a region cut off from
 * core's primary keeps its clients and refuses orders itself with REGION_PARTITIONED (ADR 0010);
 * `regionHealth()` (region-health.ts) reports it for operators. One exception: once a region
 * failover has promoted us (the state folder says so), eu's copy of core is fenced — its members
 * run, but as replicas of nothing, frozen at the moment eu lost the quorum — so until failback eu
 * counts as having a copy only if one of its members is a primary (`GET /primary`): eu's clients go
 * to us even while eu's storefronts answer.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { cluster, PRIMARY_REGION, type RemoteRegion, type Topology } from "../topology.ts";
import { readFailoverState } from "./failover-state.ts";

export const CLIENT_REGION_HEADER = "x-agora-client-region";
export const SERVED_BY_HEADER = "x-agora-region";
export const GLOBAL_EDGE = "global-edge";

/**
 * Check timing (HAProxy `default-server`), the numbers behind "failover fast, failback slowly":
 *  - inter 1 s, fall 3: a region is taken out after three failed checks in a row (~3 s). One
 *    failure is not enough: `/readyz` bounds its own database probe at 1.5 s and a loaded box
 *    answers one late now and then.
 *  - rise 10 (with downinter 1 s): a region gets its clients back only after ten good checks in
 *    a row (~10 s). A region that fails one check in ten (a flaky link, a restarting primary)
 *    never comes back half-way, so clients do not bounce between regions.
 */
export const EDGE_CHECK = { interMs: 1_000, fall: 3, rise: 10, timeoutMs: 2_000 } as const;

/** The regions of a topology, the core region first. */
export function edgeRegions(t: Pick<Topology, "remoteRegions">): string[] {
  return [PRIMARY_REGION, ...t.remoteRegions.map((r) => r.name)];
}

/** A client's regions in order of preference: its own first (unknown clients count as eu's). */
export function preferenceOf(client: string | undefined, regions: readonly string[]): string[] {
  const home = client && regions.includes(client) ? client : PRIMARY_REGION;
  return [home, ...regions.filter((r) => r !== home)];
}

/**
 * Where the edge sends a client, given each region's health — the same rule the generated
 * configuration encodes (tested against each other): its own region while healthy, else the
 * first healthy other one, else nowhere (null: the edge answers 503).
 */
export function edgeRoute(client: string | undefined, healthy: Record<string, boolean>, regions: readonly string[]): string | null {
  return preferenceOf(client, regions).find((r) => healthy[r] === true) ?? null;
}

const app = (r: string) => `region_${r}`;
const db = (r: string) => `region_${r}_db`;

export function globalEdgeConfig(t: Topology, r: RemoteRegion): string {
  const regions = edgeRegions(t);
  const promoted = readFailoverState(r)?.coreRegion;
  const checkTls = `check-ssl verify required ca-file ${t.pki.caCert} verifyhost localhost`;
  const timing = `inter ${EDGE_CHECK.interMs} fastinter ${EDGE_CHECK.interMs} downinter ${EDGE_CHECK.interMs} fall ${EDGE_CHECK.fall} rise ${EDGE_CHECK.rise}`;
  const core = cluster(t, "core");
  // Each region: where its shoppers' requests go (eu: HAProxy's internal entry to eu's storefront
  // instances, with their queue and health checks; us: its storefront instance) and its copy of core.
  const entries: Record<string, { servers: string[]; dbMembers: { name: string; pgPort: number; restPort: number }[] }> = {
    [PRIMARY_REGION]: { servers: [`${PRIMARY_REGION}-gateway ${t.host}:${t.apps.storefrontPool}`], dbMembers: core.nodes },
    [r.name]: {
      servers: r.storefront.map((port, i) => `storefront-${r.name}-${i + 1} ${t.host}:${port}`),
      dbMembers: r.coreStandby.nodes,
    },
  };
  // A region takes clients when both its ACLs hold: its storefront is ready and a copy of core runs there.
  const healthy = (x: string) => `${x}_serving ${x}_db_up`;
  const lines = [
    "global",
    "  maxconn 2000",
    "  log stdout format raw local0 notice",
    "",
    "defaults",
    "  mode http",
    "  log global",
    "  timeout connect 2s",
    "  timeout client 60s",
    "  timeout server 60s",
    `  timeout check ${EDGE_CHECK.timeoutMs}ms`,
    "",
    // The regions' health as the edge sees it: `/;csv` (region-health.ts reads it).
    "listen stats",
    `  bind ${t.host}:${r.globalEdge.statsPort}`,
    "  stats enable",
    "  stats uri /",
    "",
    "frontend global_edge",
    `  bind ${t.host}:${r.globalEdge.port}`,
    // The edge states the client address itself (the regions' per-IP limits count real clients).
    "  http-request set-header X-Forwarded-For %[src]",
    `  http-request set-var(txn.client_region) req.hdr(${CLIENT_REGION_HEADER}),lower`,
    ...regions.flatMap((x) => [
      `  acl client_${x} var(txn.client_region) -m str ${x}`,
      `  acl ${x}_serving nbsrv(${app(x)}) gt 0`,
      `  acl ${x}_db_up nbsrv(${db(x)}) gt 0`,
    ]),
    // Clients of the remote regions first (by their header), then everyone else as eu's clients.
    ...regions
      .filter((x) => x !== PRIMARY_REGION)
      .flatMap((client) => preferenceOf(client, regions).map((to) => `  use_backend ${app(to)} if client_${client} ${healthy(to)}`)),
    ...preferenceOf(PRIMARY_REGION, regions).map((to) => `  use_backend ${app(to)} if ${healthy(to)}`),
    // Nothing healthy: eu's backend answers 503 (no server up) with the region header.
    `  default_backend ${app(PRIMARY_REGION)}`,
    "",
  ];
  for (const x of regions) {
    const e = entries[x]!;
    lines.push(
      `backend ${app(x)}`,
      "  option httpchk GET /readyz",
      "  http-check expect status 200",
      // After-response: on the edge's own answers too (a 503 when no server is up).
      `  http-after-response set-header X-Agora-Region ${x}`,
      "  option redispatch",
      "  retries 2",
      `  default-server ${timing}`,
      ...e.servers.map((s) => `  server ${s} check`),
      "",
      // No traffic: its servers' checks are the region's database state (`nbsrv` above).
      `backend ${db(x)}`,
      `  option httpchk GET ${promoted && promoted !== x ? "/primary" : "/health"}`,
      "  http-check expect status 200",
      `  default-server ${timing}`,
      ...e.dbMembers.map((m) => `  server ${m.name} ${t.host}:${m.pgPort} check port ${m.restPort} ${checkTls}`),
      "",
    );
  }
  return lines.join("\n");
}

/** Writes the edge's configuration; true when it changed (a running edge must then be restarted). */
export function writeGlobalEdgeConfig(t: Topology, r: RemoteRegion): boolean {
  const cfg = globalEdgeConfig(t, r);
  const file = r.globalEdge.configFile;
  if (existsSync(file) && readFileSync(file, "utf8") === cfg) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, cfg);
  return true;
}
