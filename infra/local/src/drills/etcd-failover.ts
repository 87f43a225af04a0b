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
import {
  DrillRun,
  type NodeDrillMeasures,
  type NodeDrillOptions,
  type ProcessDrillEvent,
  holdAfterRecovery,
} from "./drill-harness.ts";

export interface EtcdDrillOptions extends NodeDrillOptions {
  /** Deadline of each put (the registry's clients use 2 s). */
  requestTimeoutMs?: number;
  onEvent?: (e: EtcdDrillEvent) => void;
}

export type EtcdDrillEvent =
  | { type: "ready"; leader: string }
  | { type: "elected"; leader: string; ms: number }
  | { type: "recovered"; rtoMs: number }
  | ProcessDrillEvent;

export interface EtcdDrillReport extends NodeDrillMeasures {
  target: "etcd";
  old_leader: string;
  new_leader: string | null;
  /** Fault → another member reports itself Raft leader. */
  election_ms: number | null;
  /** Fault → first put issued after the fault acknowledged. */
  rto_ms: number | null;
  /** Postgres clusters whose Patroni leader changed during the drill (collateral failovers). */
  patroni_leader_changes: Record<string, number>;
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

  const run = new DrillRun({
    writers: opts.writers ?? 4,
    startedAt,
    write: async (seq) => {
      await client.put(`${prefix}${String(seq).padStart(8, "0")}`).value(String(seq));
      return {};
    },
    // etcd fsyncs every put: a short pause keeps the drill from becoming a disk benchmark.
    pauseMs: 10,
  });

  let electionMs: number | null = null;
  let newLeader: string | null = null;
  try {
    await sleep(opts.warmupMs ?? 2000);
    const faultAt = run.markFault();
    process.kill(rec.pid, mode === "kill" ? "SIGKILL" : "SIGSTOP");
    emit({ type: "fault", mode, node: old.name, pid: rec.pid });

    const rtoMs = await run.awaitRecovery(opts.recoveryTimeoutMs ?? 30_000, {
      observe: async () => {
        const l = await raftLeader({ ...t, etcd: t.etcd.filter((m) => m !== old) });
        if (!l) return false;
        electionMs = Date.now() - faultAt;
        newLeader = l;
        emit({ type: "elected", leader: l, ms: electionMs });
        return true;
      },
      onTick: () => emit({ type: "progress", ...run.progress() }),
    });
    emit({ type: "recovered", rtoMs: rtoMs ?? -1 });

    await holdAfterRecovery(mode, opts);

    const rejoinMs = await run.awaitRejoin(
      () => {
        if (mode === "kill") startEtcd(t);
        else process.kill(rec.pid, "SIGCONT");
      },
      async () => (await etcdStatus(old)).healthy && !!(await raftLeader(t)),
      60_000,
    );
    if (rejoinMs !== null) emit({ type: "rejoined", node: old.name, ms: rejoinMs });
    // Patroni's loops run on after a rejoin too: give a late demotion the chance to show.
    await sleep(3000);
  } finally {
    await run.stop();
    watching = false;
    await watcher;
  }
  const writesEndedAt = Date.now();

  const stored = await client.getAll().prefix(prefix).keys();
  const present = new Set(stored.map((k) => Number(k.slice(prefix.length))));
  await client.delete().prefix(prefix);
  client.close();
  const measured = run.measures(present, writesEndedAt);
  return {
    target: "etcd",
    mode,
    drill_id: drillId,
    old_leader: old.name,
    new_leader: newLeader,
    election_ms: electionMs,
    ...measured.recovery,
    ...measured.writes,
    patroni_leader_changes: changes,
    ...measured.rejoin,
    ...measured.timing,
  };
}
