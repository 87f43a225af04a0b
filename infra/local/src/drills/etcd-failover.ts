/**
 * etcd member drill: writers put numbered keys through the product's etcd client (the registry's,
 * every unary call with a deadline), then the Raft leader is crashed (SIGKILL) or frozen (SIGSTOP).
 * Reports how long puts stopped (the election), whether every acknowledged put is still there
 * (Raft commits on a majority, so none may be lost), and — because etcd is Patroni's DCS — whether
 * the loss of an etcd member made any Postgres cluster change its leader (it must not: Patroni's
 * retry_timeout has to outlast an etcd election).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { registryClient } from "@agora/registry";
import { startEtcd } from "../launcher.ts";
import { etcdStatus } from "../probes/etcd.ts";
import { patroniClusterFromAny } from "../probes/patroni.ts";
import { readRegistry } from "../processes/registry.ts";
import type { Topology } from "../topology.ts";
import type { DrillMode } from "./failover.ts";
import { longestWriteGap, p95 } from "./write-gap.ts";

export interface EtcdDrillOptions {
  topology: Topology;
  mode?: DrillMode;
  writers?: number;
  warmupMs?: number;
  afterRecoveryMs?: number;
  freezeHoldMs?: number;
  recoveryTimeoutMs?: number;
  /** Deadline of each put (the registry's clients use 2 s). */
  requestTimeoutMs?: number;
  onEvent?: (e: EtcdDrillEvent) => void;
}

export type EtcdDrillEvent =
  | { type: "ready"; leader: string }
  | { type: "fault"; mode: DrillMode; node: string; pid: number }
  | { type: "elected"; leader: string; ms: number }
  | { type: "recovered"; rtoMs: number }
  | { type: "progress"; acked: number; failed: number }
  | { type: "rejoined"; node: string; ms: number };

export interface EtcdDrillReport {
  target: "etcd";
  mode: DrillMode;
  drill_id: string;
  old_leader: string;
  new_leader: string | null;
  /** Fault → another member reports itself Raft leader. */
  election_ms: number | null;
  /** Fault → first put issued after the fault acknowledged. */
  rto_ms: number | null;
  unavailable_ms: number | null;
  acked_writes: number;
  failed_writes: number;
  lost_writes: number;
  /** Postgres clusters whose Patroni leader changed during the drill (collateral failovers). */
  patroni_leader_changes: Record<string, number>;
  rejoined: boolean;
  rejoin_ms: number | null;
  latency_ms: { before_p95: number | null; after_p95: number | null };
  started_at: string;
  fault_at: string;
  finished_at: string;
}

async function raftLeader(t: Topology): Promise<string | undefined> {
  const st = await Promise.all(t.etcd.map(async (m) => ({ m, s: await etcdStatus(m) })));
  return st.find((x) => x.s.isLeader)?.m.name;
}

export async function runEtcdFailoverDrill(opts: EtcdDrillOptions): Promise<EtcdDrillReport> {
  const t = opts.topology;
  const mode = opts.mode ?? "kill";
  const emit = opts.onEvent ?? (() => {});
  const drillId = randomUUID();
  const prefix = `${t.profile.namespace}drill/etcd/${drillId}/`;
  const startedAt = new Date();
  const first = t.etcd[0];
  if (!first) throw new Error("the topology has no etcd member");

  const oldName = await raftLeader(t);
  const old = t.etcd.find((m) => m.name === oldName);
  const rec = readRegistry(t.pidFile).find((r) => r.name === oldName);
  if (!old || !rec) throw new Error("no etcd member is Raft leader");
  emit({ type: "ready", leader: old.name });

  const client = registryClient(
    t.etcd.map((m) => `https://${t.host}:${m.clientPort}`),
    opts.requestTimeoutMs ?? 2000,
    first.clientTls,
  );

  // Collateral damage: Patroni keeps its leader lock in etcd.
  const leaders = new Map<string, string | undefined>();
  const changes: Record<string, number> = {};
  for (const c of t.clusters) {
    leaders.set(c.name, (await patroniClusterFromAny(c))?.leader);
    changes[c.name] = 0;
  }
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      for (const c of t.clusters) {
        const leader = (await patroniClusterFromAny(c))?.leader;
        if (leader && leader !== leaders.get(c.name)) {
          changes[c.name] = (changes[c.name] ?? 0) + 1;
          leaders.set(c.name, leader);
        }
      }
      await sleep(250);
    }
  })();

  const acks: { seq: number; at: number; ms: number }[] = [];
  let failed = 0;
  let seq = 0;
  let stop = false;
  let faultAt = 0;
  let firstAckAfterFault = 0;
  const writer = async () => {
    while (!stop) {
      const my = ++seq;
      const t0 = Date.now();
      try {
        await client.put(`${prefix}${String(my).padStart(8, "0")}`).value(String(my));
        const now = Date.now();
        acks.push({ seq: my, at: now, ms: now - t0 });
        if (faultAt && !firstAckAfterFault && t0 >= faultAt) firstAckAfterFault = now;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        failed++;
        await sleep(50 + Math.random() * 50);
      }
      // etcd fsyncs every put: a short pause keeps the drill from becoming a disk benchmark.
      await sleep(10);
    }
  };
  const running = Array.from({ length: opts.writers ?? 4 }, () => writer());

  let rtoMs: number | null = null;
  let electionMs: number | null = null;
  let newLeader: string | null = null;
  let rejoined = false;
  let rejoinMs: number | null = null;
  try {
    await sleep(opts.warmupMs ?? 2000);
    faultAt = Date.now();
    process.kill(rec.pid, mode === "kill" ? "SIGKILL" : "SIGSTOP");
    emit({ type: "fault", mode, node: old.name, pid: rec.pid });

    const deadline = faultAt + (opts.recoveryTimeoutMs ?? 30_000);
    while ((!firstAckAfterFault || electionMs === null) && Date.now() < deadline) {
      if (electionMs === null) {
        const l = await raftLeader({ ...t, etcd: t.etcd.filter((m) => m !== old) });
        if (l) {
          electionMs = Date.now() - faultAt;
          newLeader = l;
          emit({ type: "elected", leader: l, ms: electionMs });
        }
      }
      await sleep(100);
      emit({ type: "progress", acked: acks.length, failed });
    }
    if (firstAckAfterFault) rtoMs = firstAckAfterFault - faultAt;
    emit({ type: "recovered", rtoMs: rtoMs ?? -1 });

    if (mode === "freeze") await sleep(opts.freezeHoldMs ?? 3000);
    await sleep(opts.afterRecoveryMs ?? 2000);

    const r0 = Date.now();
    if (mode === "kill") startEtcd(t);
    else process.kill(rec.pid, "SIGCONT");
    const rejoinDeadline = Date.now() + 60_000;
    while (Date.now() < rejoinDeadline) {
      const s = await etcdStatus(old);
      if (s.healthy && (await raftLeader(t))) {
        rejoined = true;
        rejoinMs = Date.now() - r0;
        emit({ type: "rejoined", node: old.name, ms: rejoinMs });
        break;
      }
      await sleep(250);
    }
    // Patroni's loops run on after a rejoin too: give a late demotion the chance to show.
    await sleep(3000);
  } finally {
    stop = true;
    await Promise.all(running);
    watching = false;
    await watcher;
  }
  const writesEndedAt = Date.now();

  const stored = await client.getAll().prefix(prefix).keys();
  const present = new Set(stored.map((k) => Number(k.slice(prefix.length))));
  await client.delete().prefix(prefix);
  client.close();
  const lost = acks.filter((a) => !present.has(a.seq));
  return {
    target: "etcd",
    mode,
    drill_id: drillId,
    old_leader: old.name,
    new_leader: newLeader,
    election_ms: electionMs,
    rto_ms: rtoMs,
    unavailable_ms: rtoMs === null ? null : longestWriteGap(acks.map((a) => a.at), faultAt, writesEndedAt),
    acked_writes: acks.length,
    failed_writes: failed,
    lost_writes: lost.length,
    patroni_leader_changes: changes,
    rejoined,
    rejoin_ms: rejoinMs,
    latency_ms: {
      before_p95: p95(acks.filter((a) => a.at < faultAt).map((a) => a.ms)),
      after_p95: p95(acks.filter((a) => firstAckAfterFault && a.at > firstAckAfterFault).map((a) => a.ms)),
    },
    started_at: startedAt.toISOString(),
    fault_at: new Date(faultAt).toISOString(),
    finished_at: new Date().toISOString(),
  };
}
