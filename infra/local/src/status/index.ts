/**
 * Live status of every process of the topology: name, role, pid, port, health, replication lag.
 * Roles come from the systems themselves (etcd's Raft status, Patroni's DCS view, Redis INFO and
 * Sentinel), never from what the launcher assumed at start.
 */
import pg from "pg";
import { etcdStatus } from "../probes/etcd.ts";
import { type PatroniMember, patroniCluster } from "../probes/patroni.ts";
import { redisReplication, sentinelMaster } from "../probes/redis.ts";
import { haproxyServers } from "../probes/haproxy.ts";
import { cdnCacheStats, cdnInstanceHealthy } from "../probes/cdn.ts";
import { relayLeaderProcess } from "../chaos/relay-leader.ts";
import { regionNodes } from "../regions/region-status.ts";
import { descendants, isOurs, readRegistry, rssKb } from "../processes/registry.ts";
import type { Health, NodeStatus, TopologyStatus } from "@agora/config/ops-contract";
import { readSupervisorState, SUPERVISOR, type SupervisedProcess } from "../supervisor/control.ts";
import { type PgMember, type Topology, memberUrl } from "../topology.ts";

export type { Health, NodeStatus, TopologyStatus };

function rssWithChildren(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + rssKb(p), 0);
}

/** One Postgres member's replication lag as charts draw it: the leader at 0, unknown as null. */
export interface MemberLag {
  cluster: string;
  member: string;
  lagMs: number | null;
}

export function memberLag(
  cluster: string,
  member: string,
  leader: string | null,
  replayLag: number | undefined,
): MemberLag {
  return { cluster, member, lagMs: member === leader ? 0 : (replayLag ?? null) };
}

/**
 * The replay lag of every Postgres member (Patroni names the leader; each replica measures its
 * own lag), without the rest of the status probe: for charts that sample it every few seconds.
 */
export async function postgresLag(t: Topology): Promise<MemberLag[]> {
  const out: MemberLag[] = [];
  for (const c of t.clusters) {
    const [state, lags] = await Promise.all([
      patroniCluster(c, 600),
      Promise.all(c.nodes.map((m) => replayLagMs(t, m))),
    ]);
    c.nodes.forEach((m, i) => out.push(memberLag(c.name, m.name, state?.leader ?? null, lags[i])));
  }
  return out;
}

async function replayLagMs(t: Topology, m: PgMember): Promise<number | undefined> {
  const c = new pg.Client({
    connectionString: memberUrl(t, m),
    connectionTimeoutMillis: 500,
    query_timeout: 800,
  });
  c.on("error", () => {
    // a down member simply has no lag reading
  });
  try {
    await c.connect();
    const r = await c.query<{ lag_ms: number | null }>(
      `select case when not pg_is_in_recovery() then null
                   when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                   else extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 end as lag_ms`,
    );
    const v = r.rows[0]?.lag_ms;
    return v === null || v === undefined ? undefined : Math.round(Number(v));
  } catch (err) {
    if (err instanceof Error) return undefined;
    throw err;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function getStatus(t: Topology): Promise<TopologyStatus> {
  const recs = readRegistry(t.pidFile);
  const pidOf = (name: string) => {
    const r = recs.find((x) => x.name === name);
    return r && isOurs(r) ? r.pid : undefined;
  };
  const nodes: NodeStatus[] = [];
  const leaders: Record<string, string | null> = {};

  // Every probe at once: a round takes as long as its slowest probe, not the sum of them, so a
  // dead or frozen member (which costs a full timeout) cannot push the round past the caller's
  // deadline while the rest of the cluster has news (a new leader) to show.
  const [etcd, hapInstances, clusterStates, cdnUp, redisInfos, sentinelMasters, relayLeader] =
    await Promise.all([
      Promise.all(t.etcd.map((e) => etcdStatus(e))),
      Promise.all(t.haproxyInstances.map((i) => haproxyServers(t, 800, i).catch(() => undefined))),
      Promise.all(
        t.clusters.map(async (c) => {
          const [state, lags] = await Promise.all([
            patroniCluster(c, 600),
            Promise.all(c.nodes.map((m) => replayLagMs(t, m))),
          ]);
          return { state, lags };
        }),
      ),
      Promise.all(t.cdnInstances.map((i) => cdnInstanceHealthy(t, i, 600))),
      Promise.all(t.redis.nodes.map((n) => redisReplication(t, n.port).catch(() => undefined))),
      Promise.all(t.redis.sentinels.map((x) => sentinelMaster(t, x.port).catch(() => undefined))),
      relayLeaderProcess(t).catch(() => undefined),
    ]);
  // Routing as the first answering instance sees it (every instance checks the same servers).
  const hapServers = hapInstances.find((x) => x !== undefined) ?? [];
  t.etcd.forEach((e, i) => {
    const s = etcd[i];
    const pid = pidOf(e.name);
    nodes.push({
      name: e.name,
      kind: "etcd",
      group: "etcd",
      role: s?.healthy ? (s.isLeader ? "leader" : "follower") : "unknown",
      pid,
      port: e.clientPort,
      health: s?.healthy ? "up" : "down",
      rssKb: rssWithChildren(pid),
      detail: s?.raftTerm !== undefined ? `raft term ${s.raftTerm}` : undefined,
    });
  });
  leaders.etcd = t.etcd.find((_, i) => etcd[i]?.isLeader)?.name ?? null;

  const hap = new Map<string, string>();
  for (const x of hapServers) hap.set(`${x.backend}/${x.server}`, x.status);
  t.clusters.forEach((c, ci) => {
    const { state, lags } = clusterStates[ci]!;
    leaders[c.name] = state?.leader ?? null;
    c.nodes.forEach((m, i) => {
      const pm: PatroniMember | undefined = state?.members.find((x) => x.name === m.name);
      const pid = pidOf(m.name);
      const routed =
        hap.get(`${c.name}_rw/${m.name}`) === "UP"
          ? "rw"
          : hap.get(`${c.name}_ro/${m.name}`) === "UP"
            ? "ro"
            : "none";
      const healthy = pm?.state === "running" || pm?.state === "streaming";
      nodes.push({
        name: m.name,
        kind: "postgres",
        group: c.name,
        role: pm?.role ?? "unknown",
        pid,
        port: m.pgPort,
        health: healthy && pid ? "up" : pm || pid ? "degraded" : "down",
        lagBytes: typeof pm?.lag === "number" ? pm.lag : undefined,
        lagMs: lags[i],
        rssKb: rssWithChildren(pid),
        detail: `patroni ${pm?.state ?? "unreachable"}; haproxy routes: ${routed}${pm?.timeline ? `; timeline ${pm.timeline}` : ""}`,
      });
    });
  });

  const recsNow = readRegistry(t.pidFile);
  const supervisorRec = recsNow.find((r) => r.name === SUPERVISOR);
  const supervisedNow =
    supervisorRec && isOurs(supervisorRec) ? readSupervisorState(t)?.processes : undefined;
  const supervision = (name: string): Partial<NodeStatus> => {
    const sup = supervisedNow?.[name];
    return sup
      ? {
          restarts: sup.restarts,
          lastExit: sup.lastExit,
          supervision: sup.state,
          lastRestartMs: sup.lastRestartMs,
        }
      : {};
  };
  // Every instance serves the same addresses (SO_REUSEPORT); each has its own stats page.
  t.haproxyInstances.forEach((i, ii) => {
    const pid = pidOf(i.name);
    const sup = supervisedNow?.[i.name];
    nodes.push({
      name: i.name,
      kind: "haproxy",
      group: "haproxy",
      role: "load-balancer",
      pid,
      port: i.statsPort,
      health: hapInstances[ii] ? "up" : pid ? "degraded" : "down",
      rssKb: rssWithChildren(pid),
      ...supervision(i.name),
      detail: [
        `stats :${i.statsPort}, peers :${i.peerPort}; gateway :${t.apps.gateway} shared`,
        ...(sup ? [supervisionDetail(sup)] : []),
      ].join(" · "),
    });
  });

  const cache = cdnCacheStats(t);
  t.cdnInstances.forEach((i, ii) => {
    const pid = pidOf(i.name);
    const sup = supervisedNow?.[i.name];
    nodes.push({
      name: i.name,
      kind: "cdn",
      group: "edge",
      role: "cdn-edge",
      pid,
      port: i.statusPort,
      health: cdnUp[ii] ? "up" : pid ? "degraded" : "down",
      rssKb: rssWithChildren(pid),
      ...supervision(i.name),
      detail: [
        `:${t.apps.cdn} shared, own cache`,
        // The hit ratio is the edge's as a whole: what shoppers got, whichever instance served them.
        cache.hitRatio === null
          ? "no media requests yet"
          : `edge hit ratio ${(cache.hitRatio * 100).toFixed(1)}% of ${cache.requests} (${Object.entries(
              cache.byStatus,
            )
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")})`,
        ...(sup ? [supervisionDetail(sup)] : []),
      ].join(" · "),
    });
  });
  // The relay processes are candidates of one election: which one relays now.
  leaders["outbox-relay"] = relayLeader ?? null;

  let master: string | null = null;
  t.redis.nodes.forEach((n, ni) => {
    const info = redisInfos[ni];
    const pid = pidOf(n.name);
    const role = info ? (info.role === "master" ? "master" : "replica") : "unknown";
    if (role === "master") master = n.name;
    const lag =
      info?.role === "slave" && info.slave_repl_offset && info.master_repl_offset
        ? Number(info.master_repl_offset) - Number(info.slave_repl_offset)
        : undefined;
    nodes.push({
      name: n.name,
      kind: "redis",
      group: "redis",
      role,
      pid,
      port: n.port,
      health: info
        ? info.role === "slave" && info.master_link_status !== "up"
          ? "degraded"
          : "up"
        : "down",
      lagBytes: lag,
      rssKb: rssWithChildren(pid),
      detail: info?.role === "slave" ? `link ${info.master_link_status}` : undefined,
    });
  });
  leaders.redis = master;
  t.redis.sentinels.forEach((s, si) => {
    const m = sentinelMasters[si];
    const pid = pidOf(s.name);
    nodes.push({
      name: s.name,
      kind: "sentinel",
      group: "redis",
      role: "sentinel",
      pid,
      port: s.port,
      health: m ? "up" : "down",
      rssKb: rssWithChildren(pid),
      detail: m ? `master at ${m.host}:${m.port}` : undefined,
    });
  });
  // The second region's servers (none unless the topology runs two regions).
  nodes.push(...(await regionNodes(t, (name) => ({ pid: pidOf(name), rssKb: rssWithChildren(pidOf(name)) }))));
  const supervisor = recs.find((r) => r.name === SUPERVISOR);
  const supervised =
    supervisor && isOurs(supervisor) ? readSupervisorState(t)?.processes : undefined;
  for (const r of recs.filter((x) => x.kind === "app")) {
    const alive = isOurs(r);
    const sup = supervised?.[r.name];
    nodes.push({
      name: r.name,
      kind: "app",
      group: "apps",
      role:
        r.name === SUPERVISOR
          ? "supervisor"
          : /^outbox-relay(-\d+)?$/.test(r.name)
            ? relayLeader === r.name
              ? "leader"
              : "standby"
            : "app",
      pid: alive ? r.pid : undefined,
      port: r.port,
      health: alive ? "up" : "down",
      rssKb: alive ? rssWithChildren(r.pid) : undefined,
      ...(sup
        ? {
            restarts: sup.restarts,
            lastExit: sup.lastExit,
            supervision: sup.state,
            lastRestartMs: sup.lastRestartMs,
            detail: supervisionDetail(sup),
          }
        : {}),
    });
  }
  return {
    profile: t.profile.name,
    at: new Date().toISOString(),
    nodes,
    leaders,
    totalRssKb: nodes.reduce((s, n) => s + (n.rssKb ?? 0), 0),
  };
}

/** "supervised · 2 restarts · last exit SIGKILL at 04:31:07 · back in 3.4 s" */
export function supervisionDetail(p: SupervisedProcess): string {
  const parts = [
    p.state === "running"
      ? "supervised"
      : p.state === "gave-up"
        ? "crash loop: supervisor gave up"
        : p.state,
  ];
  parts.push(`${p.restarts} restart${p.restarts === 1 ? "" : "s"}`);
  if (p.lastExit) {
    const how =
      p.lastExit.signal ??
      (p.lastExit.code !== null ? `exit ${p.lastExit.code}` : "exit (not observed)");
    parts.push(`last exit ${how} at ${p.lastExit.at.slice(11, 19)}`);
  }
  if (p.lastRestartMs !== undefined) parts.push(`back in ${(p.lastRestartMs / 1000).toFixed(1)} s`);
  return parts.join(" · ");
}

export function formatStatus(s: TopologyStatus): string {
  const icon = { up: "●", degraded: "◐", down: "○" } as const;
  const rows = s.nodes.map((n) =>
    [
      `${icon[n.health]} ${n.name}`.padEnd(16),
      n.role.padEnd(14),
      String(n.pid ?? "-").padEnd(8),
      String(n.port ?? "-").padEnd(7),
      n.health.padEnd(9),
      (n.lagBytes !== undefined ? `${n.lagBytes}B` : "").padEnd(8),
      (n.lagMs !== undefined ? `${n.lagMs}ms` : "").padEnd(8),
      n.rssKb ? `${Math.round(n.rssKb / 1024)}MB` : "",
      n.detail ?? "",
    ].join(" "),
  );
  return [
    `profile ${s.profile} at ${s.at} — total RSS ${Math.round(s.totalRssKb / 1024)} MB`,
    `${"  name".padEnd(16)} ${"role".padEnd(14)} ${"pid".padEnd(8)} ${"port".padEnd(7)} ${"health".padEnd(9)} ${"lag".padEnd(8)} ${"replay".padEnd(8)} rss detail`,
    ...rows,
    "",
  ].join("\n");
}
