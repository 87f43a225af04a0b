/**
 * Each region's health as the global edge judges it (its stats page), what its copy of core can
 * do right now (Patroni's roles: read-write, read-only, down), and where the edge sends each
 * region's clients. `npm run region -- health`, `OpsBackend.regionHealth` and the failover drill
 * read it.
 */
import { patroniRest } from "../probes/patroni.ts";
import { cluster, PRIMARY_REGION, remoteRegion, type PgMember, type Topology } from "../topology.ts";
import { edgeRegions, edgeRoute } from "./global-edge.ts";

export type DatabaseState = "read-write" | "read-only" | "down";

export interface RegionHealthRow {
  region: string;
  /** The edge's check of the region's storefront `/readyz` (null: the edge does not answer). */
  serving: boolean | null;
  /** The edge's check that a copy of core runs in the region. */
  databaseUp: boolean | null;
  /** What the region's copy of core can take, by its members' Patroni roles. */
  database: DatabaseState;
  /** Both checks hold: the edge sends clients here. */
  healthy: boolean;
}

export interface RegionHealthView {
  at: string;
  edge: { port: number; up: boolean };
  regions: RegionHealthRow[];
  /** Where the edge sends the clients of each region right now (null: nowhere, 503). */
  routes: Record<string, string | null>;
}

/** Patroni roles of a region's copy of core → what it can take. */
export function databaseState(roles: readonly (string | null)[]): DatabaseState {
  if (roles.some((r) => r === "master" || r === "primary" || r === "leader")) return "read-write";
  if (roles.some((r) => r === "replica" || r === "standby_leader" || r === "sync_standby")) return "read-only";
  return "down";
}

/** Backend name → UP/DOWN from HAProxy's `/;csv` stats (the BACKEND rows). */
export function parseEdgeStats(csv: string): Map<string, boolean> {
  const [header, ...rows] = csv.trim().split("\n");
  const cols = (header ?? "").replace(/^# /, "").split(",");
  const px = cols.indexOf("pxname");
  const sv = cols.indexOf("svname");
  const status = cols.indexOf("status");
  const out = new Map<string, boolean>();
  for (const row of rows) {
    const f = row.split(",");
    if (f[sv] === "BACKEND") out.set(f[px] ?? "", f[status] === "UP");
  }
  return out;
}

async function roleOf(m: PgMember): Promise<string | null> {
  const r = await patroniRest(m, "/patroni", { timeoutMs: 1_500 }).catch(() => undefined);
  if (r?.status !== 200) return null;
  return (JSON.parse(r.body) as { role?: string }).role ?? null;
}

export async function regionHealth(t: Topology): Promise<RegionHealthView> {
  const r = remoteRegion(t);
  const regions = edgeRegions(t);
  const stats = await fetch(`http://${t.host}:${r.globalEdge.statsPort}/;csv`, { signal: AbortSignal.timeout(2_000) })
    .then(async (res) => (res.ok ? parseEdgeStats(await res.text()) : undefined))
    .catch(() => undefined);
  const members: Record<string, PgMember[]> = { [PRIMARY_REGION]: cluster(t, "core").nodes, [r.name]: r.coreStandby.nodes };
  const rows = await Promise.all(
    regions.map(async (region): Promise<RegionHealthRow> => {
      const roles = await Promise.all((members[region] ?? []).map(roleOf));
      const serving = stats ? stats.get(`region_${region}`) === true : null;
      const databaseUp = stats ? stats.get(`region_${region}_db`) === true : null;
      return { region, serving, databaseUp, database: databaseState(roles), healthy: serving === true && databaseUp === true };
    }),
  );
  const healthy = Object.fromEntries(rows.map((x) => [x.region, x.healthy]));
  return {
    at: new Date().toISOString(),
    edge: { port: r.globalEdge.port, up: stats !== undefined },
    regions: rows,
    routes: Object.fromEntries(regions.map((client) => [client, stats ? edgeRoute(client, healthy, regions) : null])),
  };
}
