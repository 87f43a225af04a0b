/**
 * The false-failover check: fast failover timing is only worth having if a busy machine does not
 * fail over by itself. For a bounded time it runs a mixed load on every cluster (upserts through
 * each Postgres read-write port and reads through its read-only port, Redis commands through the
 * Sentinels with the product's client behaviour, etcd puts and reads through the registry's client)
 * while a CPU burner saturates every core, and counts what must stay at zero: Patroni leader
 * changes (or a leader's timeline moving on) and Sentinel failovers. It also counts what shows how
 * close the machine came: Sentinel `+sdown` events, etcd elections, HAProxy failed health checks
 * and primaries marked down. Loopback only; every loop ends at the deadline.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import pg from "pg";
import { failoverBehaviour, keepReconnecting } from "@agora/redis";
import { registryClient } from "@agora/registry";
import { etcdStatus } from "../probes/etcd.ts";
import { patroniClusterFromAny } from "../probes/patroni.ts";
import { sentinelMaster } from "../probes/redis.ts";
import { httpGet } from "../processes/wait.ts";
import { type Topology, databaseUrl, sentinelConnection } from "../topology.ts";
import { cpuBusyShare, startCpuBurner } from "./cpu-burner.ts";

export interface FalseFailoverOptions {
  topology: Topology;
  durationMs: number;
  /** Busy-looping processes (default: one per core); 0 runs the load alone. */
  burners?: number;
  onEvent?: (e: FalseFailoverEvent) => void;
}

export type FalseFailoverEvent =
  | { type: "started"; burnerPids: number[] }
  | { type: "failover"; what: string; detail: string; atMs: number }
  | { type: "progress"; elapsedMs: number; ops: number; errors: number; load1: number };

interface OpCount {
  ok: number;
  failed: number;
}

export interface FalseFailoverReport {
  duration_ms: number;
  burners: number;
  /** Whole-machine CPU busy share over the run (1 = every core busy all the time). */
  cpu_busy_share: number;
  load1_max: number;
  ops: { postgres: OpCount; redis: OpCount; etcd: OpCount };
  /** Must be 0: leader changes (or the leader's timeline moving on) per Postgres cluster. */
  patroni_leader_changes: Record<string, number>;
  /** Must be 0: Sentinel `+switch-master` (and master address changes seen by polling). */
  sentinel_failovers: number;
  /** Near misses: a Sentinel thought the master down (`+sdown`) without a failover following. */
  sentinel_sdown_events: number;
  etcd_leader_changes: number;
  /** Per HAProxy read-write backend: failed health checks, and UP→DOWN transitions of servers. */
  haproxy_rw: Record<string, { failed_checks: number; marked_down: number }>;
  false_failovers: number;
  events: { at_ms: number; what: string; detail: string }[];
  started_at: string;
  finished_at: string;
}

function procStat(): number[] {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  return line.trim().split(/\s+/).slice(1).map(Number);
}

/** chkfail and chkdown of every server of the read-write backends, summed over HAProxy instances. */
async function rwCheckCounters(t: Topology): Promise<Record<string, { chkfail: number; chkdown: number }>> {
  const out: Record<string, { chkfail: number; chkdown: number }> = {};
  for (const i of t.haproxyInstances) {
    const r = await httpGet(`http://${t.host}:${i.statsPort}/;csv`, 2000).catch(() => undefined);
    if (!r) continue;
    const lines = r.body.split("\n").filter(Boolean);
    const header = (lines[0] ?? "").replace(/^# /, "").split(",");
    const [px, sv, cf, cd] = ["pxname", "svname", "chkfail", "chkdown"].map((n) => header.indexOf(n)) as [number, number, number, number];
    for (const f of lines.slice(1).map((l) => l.split(","))) {
      const backend = f[px] ?? "";
      if (!backend.endsWith("_rw") || f[sv] === "FRONTEND" || f[sv] === "BACKEND") continue;
      const e = (out[backend] ??= { chkfail: 0, chkdown: 0 });
      e.chkfail += Number(f[cf] ?? 0) || 0;
      e.chkdown += Number(f[cd] ?? 0) || 0;
    }
  }
  return out;
}

export async function runFalseFailoverCheck(opts: FalseFailoverOptions): Promise<FalseFailoverReport> {
  const t = opts.topology;
  const emit = opts.onEvent ?? (() => {});
  const startedAt = new Date();
  const t0 = Date.now();
  const deadline = t0 + opts.durationMs;
  const events: FalseFailoverReport["events"] = [];
  const note = (what: string, detail: string) => {
    const atMs = Date.now() - t0;
    events.push({ at_ms: atMs, what, detail });
    emit({ type: "failover", what, detail, atMs });
  };

  // What "stable" is compared against.
  const leaders = new Map<string, { name?: string; timeline?: number }>();
  for (const c of t.clusters) {
    const s = await patroniClusterFromAny(c);
    const l = s?.members.find((m) => m.name === s.leader);
    if (!l) throw new Error(`${c.name} has no leader: start from a healthy topology`);
    leaders.set(c.name, { name: l.name, timeline: l.timeline });
  }
  const checksBefore = await rwCheckCounters(t);
  const statBefore = procStat();

  const burner = startCpuBurner({ processes: opts.burners, maxMs: opts.durationMs + 5000 });
  emit({ type: "started", burnerPids: burner.pids });

  const ops = { postgres: { ok: 0, failed: 0 }, redis: { ok: 0, failed: 0 }, etcd: { ok: 0, failed: 0 } };
  const count = async (o: OpCount, fn: () => Promise<unknown>) => {
    try {
      await fn();
      o.ok++;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      o.failed++;
      await sleep(100);
    }
  };
  const pools = t.clusters.map((c) => ({
    name: c.name,
    rw: new pg.Pool({ connectionString: databaseUrl(t, c.name, "rw", { as: "superuser", database: "postgres" }), max: 2, connectionTimeoutMillis: 3000, query_timeout: 5000 }),
    ro: new pg.Pool({ connectionString: databaseUrl(t, c.name, "ro", { as: "superuser", database: "postgres" }), max: 1, connectionTimeoutMillis: 3000, query_timeout: 5000 }),
  }));
  for (const p of pools) {
    // An idle connection cut by a failover: counted by the failed operation that follows.
    p.rw.on("error", () => {});
    p.ro.on("error", () => {});
    await p.rw.query(`create table if not exists agora_stability_counters (k int primary key, n bigint not null)`);
  }
  const redis = keepReconnecting(
    new Redis({ ...sentinelConnection(t), role: "master", maxRetriesPerRequest: 1, ...failoverBehaviour() }),
  );
  // Connection errors show as failed operations; the client reconnects through the Sentinels.
  redis.on("error", () => {});
  const etcdClient = registryClient(t.etcd.map((m) => `https://${t.host}:${m.clientPort}`), 2000, t.etcd[0]?.clientTls);
  const etcdKey = `${t.profile.namespace}stability/counter`;

  // Sentinel's own event stream: every +switch-master and +sdown any Sentinel publishes.
  let sentinelFailovers = 0;
  let sdowns = 0;
  const subscriber = new Redis({
    host: t.host,
    port: t.redis.sentinels[0]?.port,
    password: sentinelConnection(t).sentinelPassword,
    tls: sentinelConnection(t).sentinelTLS,
  });
  // A Sentinel restart would show as a reconnect; the polled master address is the backstop.
  subscriber.on("error", () => {});
  subscriber.on("message", (channel: string, message: string) => {
    if (channel === "+switch-master") {
      sentinelFailovers++;
      note("sentinel failover", message);
    } else if (channel === "+sdown" && message.startsWith("master")) {
      sdowns++;
      note("sentinel +sdown", message);
    }
  });
  await subscriber.subscribe("+switch-master", "+sdown");

  const until = (fn: () => Promise<void>) => async () => {
    while (Date.now() < deadline) await fn();
  };
  const loops: (() => Promise<void>)[] = [];
  for (const p of pools) {
    for (let w = 0; w < 2; w++) {
      loops.push(
        until(async () => {
          const k = Math.floor(Math.random() * 64);
          await count(ops.postgres, () =>
            p.rw.query(
              `insert into agora_stability_counters (k, n) values ($1, 1) on conflict (k) do update set n = agora_stability_counters.n + 1`,
              [k],
            ),
          );
          await sleep(20);
        }),
      );
    }
    loops.push(
      until(async () => {
        await count(ops.postgres, () => p.ro.query(`select count(*), pg_is_in_recovery() from pg_stat_activity`));
        await sleep(20);
      }),
    );
  }
  for (let w = 0; w < 2; w++) {
    loops.push(
      until(async () => {
        const k = `agora:stability:${Math.floor(Math.random() * 64)}`;
        await count(ops.redis, () => redis.multi().incr(k).expire(k, 600).exec());
        await count(ops.redis, () => redis.get(k));
        await sleep(10);
      }),
    );
  }
  loops.push(
    until(async () => {
      await count(ops.etcd, () => etcdClient.put(etcdKey).value(String(Date.now())).exec());
      await count(ops.etcd, () => etcdClient.get(etcdKey).string());
      await sleep(50);
    }),
  );

  // Watchers: Patroni leaders and timelines, the Sentinels' master, etcd's leader.
  const leaderChanges: Record<string, number> = Object.fromEntries(t.clusters.map((c) => [c.name, 0]));
  let etcdLeaderChanges = 0;
  let etcdLeader: string | undefined;
  let load1Max = 0;
  let sentinelMasterPort: number | undefined;
  let polledSwitches = 0;
  loops.push(
    until(async () => {
      for (const c of t.clusters) {
        const s = await patroniClusterFromAny(c, 1500);
        const l = s?.members.find((m) => m.name === s.leader);
        if (!l) continue;
        const before = leaders.get(c.name);
        if (l.name !== before?.name || (l.timeline ?? 0) > (before?.timeline ?? 0)) {
          leaderChanges[c.name] = (leaderChanges[c.name] ?? 0) + 1;
          note("patroni leader change", `${c.name}: ${before?.name} (timeline ${before?.timeline}) → ${l.name} (timeline ${l.timeline})`);
          leaders.set(c.name, { name: l.name, timeline: l.timeline });
        }
      }
      await sleep(1000);
    }),
  );
  loops.push(
    until(async () => {
      const st = await Promise.all(t.etcd.map((m) => etcdStatus(m, 1500)));
      const leader = st.find((s) => s.isLeader)?.memberId;
      if (leader && etcdLeader !== undefined && leader !== etcdLeader) {
        etcdLeaderChanges++;
        note("etcd leader change", `${etcdLeader} → ${leader}`);
      }
      if (leader) etcdLeader = leader;
      load1Max = Math.max(load1Max, loadavg()[0] ?? 0);
      await sleep(1000);
    }),
  );
  loops.push(
    until(async () => {
      const s = await pollSentinelMaster(t);
      if (s !== undefined) {
        if (sentinelMasterPort !== undefined && s !== sentinelMasterPort) polledSwitches++;
        sentinelMasterPort = s;
      }
      const elapsedMs = Date.now() - t0;
      const all = ops.postgres.ok + ops.redis.ok + ops.etcd.ok;
      const errors = ops.postgres.failed + ops.redis.failed + ops.etcd.failed;
      emit({ type: "progress", elapsedMs, ops: all, errors, load1: loadavg()[0] ?? 0 });
      await sleep(2000);
    }),
  );

  let statAfter: number[] = statBefore;
  try {
    await Promise.all(loops.map((l) => l()));
    statAfter = procStat();
  } finally {
    burner.stop();
    subscriber.disconnect();
    redis.disconnect();
    etcdClient.close();
    for (const p of pools) {
      await p.rw.end();
      await p.ro.end();
    }
  }
  const checksAfter = await rwCheckCounters(t);
  const haproxyRw: FalseFailoverReport["haproxy_rw"] = {};
  for (const [backend, after] of Object.entries(checksAfter)) {
    const before = checksBefore[backend] ?? { chkfail: 0, chkdown: 0 };
    haproxyRw[backend] = { failed_checks: after.chkfail - before.chkfail, marked_down: after.chkdown - before.chkdown };
  }
  const sentinelCount = Math.max(sentinelFailovers, polledSwitches);
  const patroniCount = Object.values(leaderChanges).reduce((a, b) => a + b, 0);
  return {
    duration_ms: Date.now() - t0,
    burners: burner.pids.length,
    cpu_busy_share: Math.round(cpuBusyShare(statBefore, statAfter) * 1000) / 1000,
    load1_max: Math.round(load1Max * 10) / 10,
    ops,
    patroni_leader_changes: leaderChanges,
    sentinel_failovers: sentinelCount,
    sentinel_sdown_events: sdowns,
    etcd_leader_changes: etcdLeaderChanges,
    haproxy_rw: haproxyRw,
    false_failovers: patroniCount + sentinelCount,
    events,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
  };
}

/** The master port the first Sentinel that answers names (a probe connection, not the load's). */
async function pollSentinelMaster(t: Topology): Promise<number | undefined> {
  for (const s of t.redis.sentinels) {
    const m = await sentinelMaster(t, s.port).catch(() => undefined);
    if (m) return m.port;
  }
  return undefined;
}
