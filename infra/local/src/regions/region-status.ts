/**
 * The remote region's servers as status rows: the core standby (with its lag behind eu, in bytes and
 * by the heartbeat's age — what the console's topology and `npm run infra:status` show), the
 * region's Redis and Sentinels. The link and the region's storefront are app rows already.
 */
import { redisReplication, sentinelMaster } from "../probes/redis.ts";
import { regionView, type Topology } from "../topology.ts";
import { GLOBAL_EDGE } from "./global-edge.ts";
import { regionLink } from "./link-control.ts";
import { regionHealth } from "./region-health.ts";
import { standbyStatus } from "./standby-cluster.ts";

/** Structurally the status module's NodeStatus (kept here so the two modules do not import each other). */
export interface RegionNodeRow {
  name: string;
  kind: "postgres" | "redis" | "sentinel" | "haproxy";
  role: string;
  group: string;
  pid?: number;
  port: number;
  health: "up" | "down" | "degraded";
  lagBytes?: number;
  lagMs?: number;
  rssKb?: number;
  detail?: string;
}

export async function regionNodes(
  t: Topology,
  proc: (name: string) => { pid?: number; rssKb?: number },
): Promise<RegionNodeRow[]> {
  const rows: RegionNodeRow[] = [];
  for (const r of t.remoteRegions) {
    const v = regionView(t, r);
    const [standby, link, infos, masters] = await Promise.all([
      standbyStatus(t, r),
      regionLink(t).catch(() => undefined),
      Promise.all(r.redis.nodes.map((n) => redisReplication(v, n.port).catch(() => undefined))),
      Promise.all(r.redis.sentinels.map((s) => sentinelMaster(v, s.port).catch(() => undefined))),
    ]);
    r.coreStandby.nodes.forEach((m, i) => {
      const s = standby[i];
      rows.push({
        name: m.name,
        kind: "postgres",
        group: r.coreStandby.name,
        role: s?.role ?? "unknown",
        ...proc(m.name),
        port: m.pgPort,
        health: s?.receiver === "streaming" ? "up" : s?.role ? "degraded" : "down",
        ...(s?.lagBytes === null || s?.lagBytes === undefined ? {} : { lagBytes: s.lagBytes }),
        ...(s?.heartbeatAgeMs === null || s?.heartbeatAgeMs === undefined ? {} : { lagMs: s.heartbeatAgeMs }),
        detail: [
          `region ${r.name}, standby of core (async, through the link)`,
          `receiver ${s?.receiver ?? "none"}`,
          `copy age ${s?.heartbeatAgeMs ?? "?"} ms`,
          `link ${link ? `${link.state.mode} +${link.state.rttMs} ms` : "not answering"}`,
        ].join(" · "),
      });
    });
    const edge = await regionHealth(t).catch(() => undefined);
    rows.push({
      name: GLOBAL_EDGE,
      kind: "haproxy",
      group: "global-edge",
      role: "load-balancer",
      ...proc(GLOBAL_EDGE),
      port: r.globalEdge.port,
      health: edge?.edge.up ? (edge.regions.every((x) => x.healthy) ? "up" : "degraded") : "down",
      detail: edge?.edge.up
        ? Object.entries(edge.routes)
            .map(([client, to]) => `clients of ${client} → ${to ?? "nowhere"}`)
            .join(" · ")
        : "not answering",
    });
    r.redis.nodes.forEach((n, i) => {
      const info = infos[i];
      rows.push({
        name: n.name,
        kind: "redis",
        group: `redis-${r.name}`,
        role: info ? (info.role === "master" ? "master" : "replica") : "unknown",
        ...proc(n.name),
        port: n.port,
        health: info ? (info.role === "slave" && info.master_link_status !== "up" ? "degraded" : "up") : "down",
        detail: `region ${r.name}`,
      });
    });
    r.redis.sentinels.forEach((s, i) => {
      const m = masters[i];
      rows.push({
        name: s.name,
        kind: "sentinel",
        group: `redis-${r.name}`,
        role: "sentinel",
        ...proc(s.name),
        port: s.port,
        health: m ? "up" : "down",
        detail: m ? `region ${r.name}; master at ${m.host}:${m.port}` : `region ${r.name}`,
      });
    });
  }
  return rows;
}
