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
import { cluster as clusterOf, databaseUrl, memberUrl } from "../topology.ts";
import {
  DrillRun,
  type NodeDrillOptions,
  attributeAcks,
  holdAfterRecovery,
} from "./drill-harness.ts";

import type { DrillEvent, DrillMode, FailoverDrillReport } from "@agora/config/ops-contract";

export type { DrillEvent, DrillMode, FailoverDrillReport };
export { detectSplitBrain } from "./drill-harness.ts";

export interface FailoverDrillOptions extends NodeDrillOptions {
  cluster: string;
  onEvent?: (e: DrillEvent) => void;
}

const TABLE = "agora_drill_writes";

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

  const run = new DrillRun({
    writers,
    startedAt,
    write: async (seq) => {
      const r = await pool.query<{ port: number }>(
        `insert into ${TABLE} (drill_id, seq, served_by) values ($1, $2, inet_server_port()) returning inet_server_port() as port`,
        [drillId, seq],
      );
      return { port: Number(r.rows[0]?.port) };
    },
    // Recovery = a write acknowledged by another node; a frozen primary's Postgres may still
    // answer (until HAProxy fences it), which is not a recovery.
    recovers: (ack) => ack.port !== old.pgPort,
  });

  let newPrimary: string | null = null;
  try {
    await sleep(opts.warmupMs ?? 2000);
    emit({ type: "progress", ...run.progress() });

    // The fault.
    const faultAt = run.markFault();
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

    const rtoMs = await run.awaitRecovery(opts.recoveryTimeoutMs ?? 60_000, {
      onTick: () =>
        emit({ type: "progress", ...run.progress(), sinceFaultMs: Date.now() - faultAt }),
    });
    if (rtoMs !== null) {
      const st = await patroniCluster(c);
      newPrimary = st?.leader ?? null;
    }
    emit({ type: "recovered", newPrimary: newPrimary ?? undefined, rtoMs: rtoMs ?? -1 });

    await holdAfterRecovery(mode, opts);

    // Bring the old primary back: restart (kill) or resume (freeze). Writes continue meanwhile,
    // so a resumed stale leader that grabbed writes back would show up in acked_by_node.
    emit({ type: "rejoining", node: old.name });
    const rejoinMs = await run.awaitRejoin(
      () => {
        if (mode === "kill") startPgMember(t, old);
        else {
          const pid = patroniPid(t, old);
          if (pid) process.kill(pid, "SIGCONT");
        }
      },
      async () => {
        const st = await patroniCluster(c);
        const me = st?.members.find((m) => m.name === old.name);
        return !!(
          st?.leader &&
          st.leader !== old.name &&
          me &&
          me.role !== "leader" &&
          (await memberIsStreamingReplica(old))
        );
      },
      90_000,
    );
    if (rejoinMs !== null) emit({ type: "rejoined", node: old.name, ms: rejoinMs });
    await sleep(1000);
  } finally {
    await run.stop();
  }
  const writesEndedAt = Date.now();

  // Every acknowledged write must be on the primary now, and every replica must converge to it.
  const present = new Set<number>();
  const rows = await pool.query<{ seq: string }>(`select seq from ${TABLE} where drill_id = $1`, [
    drillId,
  ]);
  for (const r of rows.rows) present.add(Number(r.seq));
  await pool.end();

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

  const measured = run.measures(present, writesEndedAt);
  const report: FailoverDrillReport = {
    cluster: c.name,
    mode,
    drill_id: drillId,
    old_primary: old.name,
    new_primary: newPrimary,
    ...measured.recovery,
    ...measured.writes,
    ...attributeAcks(run.acks, measured.lost, new Map(c.nodes.map((n) => [n.pgPort, n.name]))),
    ...measured.rejoin,
    replicas_converged: converged,
    ...measured.timing,
  };
  emit({ type: "done", report });
  return report;
}
