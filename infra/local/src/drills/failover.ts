/**
 * Failover drill: a steady write load through HAProxy's read-write port, then the cluster's
 * primary is crashed (SIGKILL of Patroni and Postgres) or frozen (SIGSTOP of Patroni, the
 * split-brain scenario). The drill measures the time to the first successful write afterwards
 * (RTO), checks every acknowledged write is still there (RPO = lost writes), watches which node
 * acknowledged each write (two writable primaries at once = split brain), restarts or resumes
 * the old primary and waits until it streams again as a replica.
 *
 * A library function so the CLI (`npm run drill:failover`), the chaos tests and the ops console
 * all run the same code.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { killPgMember, patroniPid, startPgMember, waitClusterReady } from "../launcher.ts";
import { memberIsStreamingReplica, patroniCluster } from "../probes/patroni.ts";
import { type Topology, cluster as clusterOf, databaseUrl, memberUrl } from "../topology.ts";
import { longestWriteGap, p95 } from "./write-gap.ts";

import type { DrillEvent, DrillMode, FailoverDrillReport } from "@agora/config/ops-contract";

export type { DrillEvent, DrillMode, FailoverDrillReport };

export interface FailoverDrillOptions {
  topology: Topology;
  cluster: string;
  mode?: DrillMode;
  /** Concurrent writers (each one connection at a time). */
  writers?: number;
  /** Writes before the fault. */
  warmupMs?: number;
  /** Keep writing this long after writes resumed. */
  afterRecoveryMs?: number;
  /** Freeze mode: keep the old primary's Patroni stopped this long after a new primary took writes. */
  freezeHoldMs?: number;
  /** Give up waiting for a new primary after this long. */
  recoveryTimeoutMs?: number;
  onEvent?: (e: DrillEvent) => void;
}

interface Ack {
  seq: number;
  at: number;
  port: number;
  ms: number;
}

const TABLE = "agora_drill_writes";


/**
 * Split brain shows as interleaving: once a second node has acknowledged a write, the first may
 * not acknowledge another one later.
 */
export function detectSplitBrain(acks: { at: number; port: number }[]): boolean {
  const sorted = [...acks].sort((a, b) => a.at - b.at);
  const retired = new Set<number>();
  let current: number | undefined;
  for (const a of sorted) {
    if (current === undefined) current = a.port;
    else if (a.port !== current) {
      if (retired.has(a.port)) return true;
      retired.add(current);
      current = a.port;
    }
  }
  return false;
}

export async function runFailoverDrill(opts: FailoverDrillOptions): Promise<FailoverDrillReport> {
  const t = opts.topology;
  const c = clusterOf(t, opts.cluster);
  const mode = opts.mode ?? "kill";
  const emit = opts.onEvent ?? (() => {});
  const writers = opts.writers ?? 4;
  const drillId = randomUUID();
  const startedAt = new Date();

  const leaderName = await waitClusterReady(t, c, 60_000);
  const old = c.nodes.find((n) => n.name === leaderName);
  if (!old) throw new Error(`leader ${leaderName} is not a member of ${c.name}`);
  emit({ type: "ready", leader: old.name });

  const pool = new pg.Pool({
    connectionString: databaseUrl(t, c.name, "rw", { as: "superuser", database: "postgres" }),
    max: writers,
    connectionTimeoutMillis: 1000,
    query_timeout: 2000,
    idleTimeoutMillis: 5000,
  });
  pool.on("error", () => {
    // idle clients die with the primary; the next checkout opens a fresh connection
  });
  // The writers' 1 s connect timeout is part of measuring the RTO; setting up must not fail on
  // it when the machine is busy, so the setup retries (bounded) before the drill gives up.
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query(
        `create table if not exists ${TABLE} (
           drill_id text not null, seq bigint not null, served_by int not null,
           written_at timestamptz not null default clock_timestamp(), primary key (drill_id, seq))`,
      );
      break;
    } catch (err) {
      if (attempt >= 10 || !(err instanceof Error)) {
        await pool.end();
        throw err;
      }
      await sleep(500 + Math.random() * 500);
    }
  }

  const acks: Ack[] = [];
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
        const r = await pool.query<{ port: number }>(
          `insert into ${TABLE} (drill_id, seq, served_by) values ($1, $2, inet_server_port()) returning inet_server_port() as port`,
          [drillId, my],
        );
        const now = Date.now();
        acks.push({ seq: my, at: now, port: Number(r.rows[0]?.port), ms: now - t0 });
        const port = Number(r.rows[0]?.port);
        // Recovery = a write acknowledged by another node; a frozen primary's Postgres may still
        // answer (until HAProxy fences it), which is not a recovery.
        if (faultAt && !firstAckAfterFault && t0 >= faultAt && port !== old.pgPort)
          firstAckAfterFault = now;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        failed++;
        await sleep(50 + Math.random() * 50);
      }
    }
  };
  const running = Array.from({ length: writers }, () => writer());

  let rtoMs: number | null = null;
  let newPrimary: string | null = null;
  let rejoined = false;
  let rejoinMs: number | null = null;
  try {
    await sleep(opts.warmupMs ?? 2000);
    emit({ type: "progress", acked: acks.length, failed });

    // The fault.
    faultAt = Date.now();
    let pids: number[] = [];
    if (mode === "kill") {
      const k = killPgMember(t, old);
      pids = [k.patroniPid, k.postmasterPid].filter((x): x is number => !!x);
    } else {
      const pid = patroniPid(t, old);
      if (!pid) throw new Error(`no running Patroni for ${old.name}`);
      process.kill(pid, "SIGSTOP");
      pids = [pid];
    }
    emit({ type: "fault", mode, node: old.name, pids });

    const deadline = faultAt + (opts.recoveryTimeoutMs ?? 60_000);
    while (!firstAckAfterFault && Date.now() < deadline) {
      await sleep(100);
      emit({ type: "progress", acked: acks.length, failed, sinceFaultMs: Date.now() - faultAt });
    }
    if (firstAckAfterFault) {
      rtoMs = firstAckAfterFault - faultAt;
      const st = await patroniCluster(c);
      newPrimary = st?.leader ?? null;
    }
    emit({ type: "recovered", newPrimary: newPrimary ?? undefined, rtoMs: rtoMs ?? -1 });

    if (mode === "freeze") await sleep(opts.freezeHoldMs ?? 3000);
    await sleep(opts.afterRecoveryMs ?? 2000);

    // Bring the old primary back: restart (kill) or resume (freeze). Writes continue meanwhile,
    // so a resumed stale leader that grabbed writes back would show up in acked_by_node.
    emit({ type: "rejoining", node: old.name });
    const r0 = Date.now();
    if (mode === "kill") startPgMember(t, old);
    else {
      const pid = patroniPid(t, old);
      if (pid) process.kill(pid, "SIGCONT");
    }
    const rejoinDeadline = Date.now() + 90_000;
    while (Date.now() < rejoinDeadline) {
      const st = await patroniCluster(c);
      const me = st?.members.find((m) => m.name === old.name);
      if (
        st?.leader &&
        st.leader !== old.name &&
        me &&
        me.role !== "leader" &&
        (await memberIsStreamingReplica(old))
      ) {
        rejoined = true;
        rejoinMs = Date.now() - r0;
        break;
      }
      await sleep(250);
    }
    if (rejoined) emit({ type: "rejoined", node: old.name, ms: rejoinMs ?? 0 });
    await sleep(1000);
  } finally {
    stop = true;
    await Promise.all(running);
  }
  const writesEndedAt = Date.now();

  // Every acknowledged write must be on the primary now, and every replica must converge to it.
  const acked = new Set(acks.map((a) => a.seq));
  const present = new Set<number>();
  const rows = await pool.query<{ seq: string }>(`select seq from ${TABLE} where drill_id = $1`, [
    drillId,
  ]);
  for (const r of rows.rows) present.add(Number(r.seq));
  await pool.end();
  const lost = [...acked].filter((s) => !present.has(s));

  let converged = false;
  const convergeDeadline = Date.now() + 30_000;
  while (!converged && Date.now() < convergeDeadline) {
    const counts = await Promise.all(
      c.nodes.map(async (m) => {
        const cl = new pg.Client({
          connectionString: memberUrl(t, m),
          connectionTimeoutMillis: 1000,
          query_timeout: 2000,
        });
        cl.on("error", () => {
          // counted as not converged yet
        });
        try {
          await cl.connect();
          const r = await cl.query<{ n: string }>(
            `select count(*) as n from ${TABLE} where drill_id = $1`,
            [drillId],
          );
          return Number(r.rows[0]?.n);
        } catch (err) {
          if (err instanceof Error) return -1;
          throw err;
        } finally {
          await cl.end().catch(() => undefined);
        }
      }),
    );
    converged = counts.every((n) => n === present.size);
    if (!converged) await sleep(500);
  }

  const portName = new Map(c.nodes.map((n) => [n.pgPort, n.name]));
  const byNode: Record<string, number> = {};
  for (const a of acks) {
    const n = portName.get(a.port) ?? String(a.port);
    byNode[n] = (byNode[n] ?? 0) + 1;
  }
  const report: FailoverDrillReport = {
    cluster: c.name,
    mode,
    drill_id: drillId,
    old_primary: old.name,
    new_primary: newPrimary,
    rto_ms: rtoMs,
    unavailable_ms: rtoMs === null ? null : longestWriteGap(acks.map((a) => a.at), faultAt, writesEndedAt),
    acked_writes: acked.size,
    failed_writes: failed,
    lost_writes: lost.length,
    lost_ids_sample: lost.slice(0, 20),
    acked_by_node: byNode,
    split_brain: detectSplitBrain(acks),
    rejoined,
    rejoin_ms: rejoinMs,
    replicas_converged: converged,
    latency_ms: {
      before_p95: p95(acks.filter((a) => a.at < faultAt).map((a) => a.ms)),
      after_p95: p95(
        acks.filter((a) => firstAckAfterFault && a.at > firstAckAfterFault).map((a) => a.ms),
      ),
    },
    started_at: startedAt.toISOString(),
    fault_at: new Date(faultAt).toISOString(),
    finished_at: new Date().toISOString(),
  };
  emit({ type: "done", report });
  return report;
}
