/**
 * Region failover drill (issue #14, ADR 0010): under a bounded write load, eu is lost — every
 * member of eu's core cluster is killed (Patroni and Postgres, SIGKILL), eu's storefronts and
 * order workers (relays, sagas and payments pools, inventory instances) are stopped — then, once
 * us sees eu's core gone and the operator confirms, the us standby cluster of core is promoted
 * through Patroni's REST API (its `standby_cluster` removed from the dynamic configuration), the
 * us storefront is restarted with its writes on the new local primary, and us starts the workers
 * that take its orders to READY_FOR_FULFILMENT (regions/failover-workers.ts).
 * eu's etcd and vendor shards stay up: the us cluster's DCS is eu's etcd (no witness member yet),
 * and the shards have no copy in us — see ADR 0010 for why the drill draws the line there.
 *
 * Measured: RTO (loss → first write acknowledged in us), RPO (acknowledged eu writes the promoted
 * copy does not have, counted from the acked ids as the node drills do), what the global edge did
 * for eu's clients, and what the synchronous alternative would cost each commit. The report is
 * kept in the state folder and in `drill_runs` (the console's drill history); `npm run region --
 * failback` (regions/failback.ts) puts eu back.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { MsSpread, RegionFailoverEvent, RegionFailoverReport } from "@agora/config/ops-contract";
import { killPgMember, waitClusterReady } from "../launcher.ts";
import { readFailoverState } from "../regions/failover-state.ts";
import { askPromotion, fenceCore, restartRegionStorefronts, waitPromoted } from "../regions/promote.ts";
import { REGION_ARBITER } from "../regions/region-servers.ts";
import { lostWithRegion, startFailoverWorkers, stopHeld } from "../regions/failover-workers.ts";
import { CLIENT_REGION_HEADER, SERVED_BY_HEADER } from "../regions/global-edge.ts";
import { regionLink } from "../regions/link-control.ts";
import { standbyStatus } from "../regions/standby-cluster.ts";
import {
  cluster,
  databaseUrl,
  linkPort,
  memberUrl,
  PRIMARY_REGION,
  remoteRegion,
  type Topology,
} from "../topology.ts";
import { longestWriteGap, p95 } from "./write-gap.ts";

export type { RegionFailoverEvent, RegionFailoverReport };

export interface RegionFailoverOptions {
  topology: Topology;
  /** The region lost: eu, the one holding core's primary (the only direction built). */
  region?: string;
  writers?: number;
  warmupMs?: number;
  /** Keep writing this long once us took writes. */
  afterRecoveryMs?: number;
  /** Commits measured for the synchronous alternative's cost. */
  syncSamples?: number;
  /** The operator's go for the promotion (ADR 0010); the CLI asks, or takes --yes. */
  confirm: (situation: { lostForMs: number; copyAgeMs: number | null }) => Promise<boolean>;
  /** Restart the us storefront on the new primary (default true; a test may do it itself). */
  repointStorefront?: boolean;
  /** Start us's failover workers once promoted (default true): relay, sagas, payments, inventory. */
  startWorkers?: boolean;
  recoveryTimeoutMs?: number;
  onEvent?: (e: RegionFailoverEvent) => void;
}

const TABLE = "agora_drill_writes";
/** Three failed probes of eu's core through the link, a second apart, make eu lost for us. */
const LOST_AFTER_PROBES = 3;

interface Ack {
  seq: number;
  at: number;
  region: string;
  ms: number;
}

/** Median and p95 of a sample (rounded ms). */
export function spread(xs: readonly number[]): MsSpread {
  if (!xs.length) return { p50: null, p95: null };
  const s = [...xs].sort((a, b) => a - b);
  return { p50: Math.round(s[Math.floor((s.length - 1) / 2)] ?? 0), p95: p95(xs) };
}

/**
 * The RPO from the acknowledgements: the writes eu acknowledged that the promoted copy lacks, and
 * the span from the first of them to the last eu acknowledgement (how much of eu's last moments
 * is gone). Writes us acknowledged are expected all present; any missing ones are counted too.
 */
export function recoveryPoint(acks: readonly Ack[], present: ReadonlySet<number>, lostRegion: string) {
  const lost = acks.filter((a) => !present.has(a.seq)).sort((a, b) => a.at - b.at);
  const lostOfRegion = lost.filter((a) => a.region === lostRegion);
  const lastOfRegion = Math.max(...acks.filter((a) => a.region === lostRegion).map((a) => a.at));
  return {
    lost: lost.map((a) => a.seq),
    lostAfterPromotion: lost.filter((a) => a.region !== lostRegion).map((a) => a.seq),
    windowMs: lostOfRegion.length ? lastOfRegion - lostOfRegion[0]!.at : 0,
  };
}

/**
 * Compresses an edge probe log to its changes: the first answer, then each answer whose region
 * or status class differs from the one before.
 */
export function edgeTimeline(samples: readonly { at_ms: number; served_by: string | null; status: number }[]) {
  const cls = (s: number) => (s >= 500 || s === 0 ? "error" : "ok");
  return samples.filter((s, i) => {
    const prev = samples[i - 1];
    return !prev || prev.served_by !== s.served_by || cls(prev.status) !== cls(s.status);
  });
}

/** What a client saw at the edge from the loss on: answers by serving region, errors, the changes. */
export function edgeSeen(samples: readonly { at_ms: number; served_by: string | null; status: number }[]) {
  const served: Record<string, number> = {};
  let errors = 0;
  const after = samples.filter((x) => x.at_ms >= 0);
  for (const s of after) {
    if (s.status >= 500 || s.status === 0) errors++;
    else served[s.served_by ?? "?"] = (served[s.served_by ?? "?"] ?? 0) + 1;
  }
  return { served, errors, timeline: edgeTimeline(samples) };
}

function client(url: string, timeoutMs: number): pg.Client {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  c.on("error", () => {
    // the query that was running reports it
  });
  return c;
}

async function once<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = [], timeoutMs = 1_000): Promise<T[]> {
  const c = client(url, timeoutMs);
  try {
    await c.connect();
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * The synchronous alternative's cost, measured: commits on eu's primary one at a time, and for
 * each the moment the us copy has received and flushed its WAL (what `synchronous_commit = on`
 * with the us copy as a synchronous standby would wait for, minus the reply's way back, which is
 * added as half the link's round trip). Measured rather than switched on: Patroni owns
 * `synchronous_standby_names` on eu's core and the us copy is no member of that cluster.
 */
export async function measureSyncCost(t: Topology, samples: number): Promise<RegionFailoverReport["region"]["sync_cost"]> {
  const r = remoteRegion(t);
  const rttMs = (await regionLink(t)).state.rttMs;
  const eu = client(databaseUrl(t, "core", "rw", { as: "superuser", database: "postgres" }), 3_000);
  const us = client(memberUrl(t, r.coreStandby.nodes[0]!), 3_000);
  await eu.connect();
  await us.connect();
  const asyncMs: number[] = [];
  const flushedMs: number[] = [];
  try {
    await eu.query(`create table if not exists agora_sync_cost (id bigserial primary key, at timestamptz default clock_timestamp())`);
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await eu.query("insert into agora_sync_cost default values");
      const committed = performance.now();
      const lsn = (await eu.query<{ lsn: string }>("select pg_current_wal_flush_lsn()::text as lsn")).rows[0]!.lsn;
      const deadline = Date.now() + 5_000;
      for (;;) {
        const ok = (await us.query<{ ok: boolean }>("select pg_last_wal_receive_lsn() >= $1::pg_lsn as ok", [lsn])).rows[0]?.ok;
        if (ok) break;
        if (Date.now() > deadline) throw new Error("the us copy did not receive a commit within 5 s: is it streaming?");
        await sleep(2);
      }
      asyncMs.push(committed - t0);
      flushedMs.push(performance.now() - t0);
      await sleep(50);
    }
    await eu.query("drop table if exists agora_sync_cost");
  } finally {
    await eu.end().catch(() => undefined);
    await us.end().catch(() => undefined);
  }
  return {
    samples,
    link_rtt_ms: rttMs,
    async_commit_ms: spread(asyncMs),
    us_flushed_ms: spread(flushedMs),
    sync_commit_ms: spread(flushedMs.map((x) => x + rttMs / 2)),
    method: "commit on eu's primary, then poll the us copy's pg_last_wal_receive_lsn() every 2 ms until it passes the commit's flush LSN; + rtt/2 for the standby's reply",
  };
}

/** Is eu's core primary reachable from us (through the link's core-rw listener)? */
async function euCoreAnswers(t: Topology): Promise<boolean> {
  const r = remoteRegion(t);
  const url = databaseUrl(t, "core", "rw", { as: "superuser", database: "postgres" }).replace(/:\d+\//, `:${linkPort(r, "core-rw")}/`);
  return once(url, "select 1", [], 1_000).then(
    () => true,
    () => false,
  );
}

export async function runRegionFailoverDrill(opts: RegionFailoverOptions): Promise<RegionFailoverReport> {
  const t = opts.topology;
  const lostRegion = opts.region ?? PRIMARY_REGION;
  if (lostRegion !== PRIMARY_REGION) throw new Error(`only the loss of ${PRIMARY_REGION} (core's primary region) is drilled`);
  const r = remoteRegion(t);
  if (readFailoverState(r)) throw new Error(`region ${r.name} already holds core's primary: run npm run region -- failback first`);
  const emit = opts.onEvent ?? (() => {});
  const core = cluster(t, "core");
  const usMember = r.coreStandby.nodes[0]!;
  const drillId = randomUUID();
  const startedAt = new Date();

  const euPrimary = await waitClusterReady(t, core, 60_000);
  const [standby] = await standbyStatus(t, r);
  if (standby?.receiver !== "streaming") throw new Error(`the us copy of core is not streaming (${standby?.receiver ?? standby?.error ?? "?"})`);
  emit({ type: "ready", euPrimary, standby: usMember.name });
  // The drill is the operator: us's arbiter would otherwise promote on its own after the loss.
  // Held down until failback (which starts it again).
  await stopHeld(t, [REGION_ARBITER]);

  const syncCost = await measureSyncCost(t, opts.syncSamples ?? 20);
  emit({ type: "sync-cost", asyncP50: syncCost.async_commit_ms.p50, syncP50: syncCost.sync_commit_ms.p50 });

  const writers = opts.writers ?? 4;
  const pools: Record<string, pg.Pool> = {
    [PRIMARY_REGION]: new pg.Pool({
      connectionString: databaseUrl(t, "core", "rw", { as: "superuser", database: "postgres" }),
      max: writers,
      connectionTimeoutMillis: 1_000,
      query_timeout: 2_000,
    }),
    [r.name]: new pg.Pool({ connectionString: memberUrl(t, usMember), max: writers, connectionTimeoutMillis: 1_000, query_timeout: 2_000 }),
  };
  for (const p of Object.values(pools))
    p.on("error", () => {
      // idle clients die with their server; the next write opens a fresh connection
    });
  await pools[PRIMARY_REGION]!.query(
    `create table if not exists ${TABLE} (
       drill_id text not null, seq bigint not null, served_by int not null,
       written_at timestamptz not null default clock_timestamp(), primary key (drill_id, seq))`,
  );

  // Writes go where core's primary is: eu until the promotion was asked for, then us.
  let writeTo = PRIMARY_REGION;
  const acks: Ack[] = [];
  let failed = 0;
  let seq = 0;
  let stop = false;
  let faultAt = 0;
  let firstUsAck = 0;
  const writer = async () => {
    while (!stop) {
      const my = ++seq;
      const region = writeTo;
      const t0 = Date.now();
      try {
        await pools[region]!.query(`insert into ${TABLE} (drill_id, seq, served_by) values ($1, $2, inet_server_port())`, [drillId, my]);
        const now = Date.now();
        acks.push({ seq: my, at: now, region, ms: now - t0 });
        if (region === r.name && !firstUsAck) firstUsAck = now;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        failed++;
        await sleep(50 + Math.random() * 50);
      }
    }
  };

  // A client of each region at the global edge, four times a second: which region answers, or the error.
  const samplesOf: Record<string, { at: number; served_by: string | null; status: number }[]> = { [PRIMARY_REGION]: [], [r.name]: [] };
  const edgeSamples = samplesOf[PRIMARY_REGION]!;
  const edgeProbe = async (clientRegion: string) => {
    while (!stop) {
      const t0 = Date.now();
      const res = await fetch(`http://${t.host}:${r.globalEdge.port}/healthz`, {
        headers: { [CLIENT_REGION_HEADER]: clientRegion },
        signal: AbortSignal.timeout(2_000),
      }).catch(() => undefined);
      await res?.arrayBuffer().catch(() => undefined);
      samplesOf[clientRegion]!.push({
        at: t0,
        served_by: res?.headers.get(SERVED_BY_HEADER) ?? null,
        status: res?.status ?? 0,
      });
      await sleep(Math.max(0, 250 - (Date.now() - t0)));
    }
  };

  const running = [...Array.from({ length: writers }, () => writer()), edgeProbe(PRIMARY_REGION), edgeProbe(r.name)];
  let detectedAt = 0;
  let confirmedAt = 0;
  let promoteAskedAt = 0;
  let promotedAt = 0;
  let repointedAt = 0;
  let workersAt = 0;
  let copyAgeMs: number | null = null;
  let promoted = false;
  let euStopped: Promise<Error | void> = Promise.resolve();
  try {
    await sleep(opts.warmupMs ?? 3_000);
    emit({ type: "progress", acked: acks.length, failed });

    // The loss: eu's whole core cluster crashes, eu's storefronts and order workers go away.
    copyAgeMs = (await standbyStatus(t, r))[0]?.heartbeatAgeMs ?? null;
    faultAt = Date.now();
    const killed: string[] = [];
    for (const m of core.nodes) {
      killPgMember(t, m);
      killed.push(m.name);
    }
    emit({ type: "loss", killed });
    // Held, so a supervisor does not bring them back; failback releases and restarts them. Their
    // graceful stops take seconds (drains, a relay's resignation), which a lost region would not:
    // us's detection and promotion go on meanwhile; us's workers start once they are gone.
    euStopped = stopHeld(t, lostWithRegion(t), 5_000).then(
      (stopped) => emit({ type: "fault", killed, stopped }),
      // Kept until awaited below (an unawaited rejection would end the process first).
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );

    // us decides eu is lost: its core primary unreachable through the link, three times in a row.
    let misses = 0;
    const deadline = faultAt + (opts.recoveryTimeoutMs ?? 120_000);
    while (misses < LOST_AFTER_PROBES && Date.now() < deadline) {
      const t0 = Date.now();
      misses = (await euCoreAnswers(t)) ? 0 : misses + 1;
      await sleep(Math.max(0, 1_000 - (Date.now() - t0)));
    }
    detectedAt = Date.now();
    emit({ type: "detected", ms: detectedAt - faultAt });

    if (!(await opts.confirm({ lostForMs: detectedAt - faultAt, copyAgeMs }))) {
      emit({ type: "aborted", reason: "the operator did not confirm the promotion" });
    } else {
      confirmedAt = Date.now();
      // First the fence: core's leader lock taken in eu's place through the etcd quorum, which
      // waits until eu's own lock has expired (regions/promote.ts) and keeps eu from taking it back.
      await fenceCore(t, r, Math.max(1_000, deadline - Date.now()));
      // The us storefront restarts on the promoted copy while Patroni promotes it (its start takes
      // longer than the promotion): the state folder says us holds core's primary from now on.
      promoteAskedAt = Date.now();
      await askPromotion(t, r, drillId);
      writeTo = r.name;
      const repoint =
        opts.repointStorefront === false
          ? Promise.resolve()
          : (async () => {
              await restartRegionStorefronts(t, r);
              repointedAt = Date.now();
              emit({ type: "storefront-repointed", ms: repointedAt - faultAt });
            })().catch((e: unknown) => {
              // Reported (storefront_repointed_ms null); the database side of the drill goes on.
              emit({ type: "aborted", reason: `the us storefront did not restart: ${e instanceof Error ? e.message : String(e)}` });
            });
      await waitPromoted(t, r, deadline);
      promotedAt = Date.now();
      promoted = true;
      emit({ type: "promoted", ms: promotedAt - promoteAskedAt });
      // What processes us's orders from now on: it needs a writable core, so after the promotion.
      const stopFailed = await euStopped;
      if (stopFailed) throw stopFailed;
      const workers =
        opts.startWorkers === false
          ? Promise.resolve()
          : startFailoverWorkers(t, r).then(
              (names) => {
                workersAt = Date.now();
                emit({ type: "workers-started", ms: workersAt - faultAt, names });
              },
              (e: unknown) => {
                // Reported (workers_started_ms null); the database side of the drill goes on.
                emit({ type: "aborted", reason: `us's failover workers did not start: ${e instanceof Error ? e.message : String(e)}` });
              },
            );
      while (!firstUsAck && Date.now() < deadline) await sleep(50);
      if (firstUsAck) emit({ type: "recovered", rtoMs: firstUsAck - faultAt });
      await repoint;
      await workers;
      // Until eu's clients are answered by us at the edge (its rise count), bounded.
      const edgeDeadline = Date.now() + 30_000;
      while (!edgeSamples.some((s) => s.at >= faultAt && s.served_by === r.name && s.status < 500) && Date.now() < edgeDeadline)
        await sleep(250);
      await sleep(opts.afterRecoveryMs ?? 3_000);
    }
  } finally {
    stop = true;
    await Promise.all(running);
    await euStopped;
  }
  const writesEndedAt = Date.now();

  // The promoted copy is the truth now: which acknowledged writes does it have?
  const present = new Set<number>();
  if (promoted) {
    const rows = await pools[r.name]!.query<{ seq: string }>(`select seq from ${TABLE} where drill_id = $1`, [drillId]);
    for (const x of rows.rows) present.add(Number(x.seq));
  }
  await Promise.all(Object.values(pools).map((p) => p.end()));
  const rp = recoveryPoint(acks, present, PRIMARY_REGION);
  const byRegion: Record<string, number> = {};
  for (const a of acks) byRegion[a.region] = (byRegion[a.region] ?? 0) + 1;
  const since = (client: string) => samplesOf[client]!.map((s) => ({ at_ms: s.at - faultAt, served_by: s.served_by, status: s.status }));
  const euSeen = edgeSeen(since(PRIMARY_REGION));
  const usSeen = edgeSeen(since(r.name));
  const edgeMoved = since(PRIMARY_REGION).find((s) => s.at_ms >= 0 && s.served_by === r.name && s.status < 500);
  if (edgeMoved) emit({ type: "edge-moved", ms: edgeMoved.at_ms });

  const report: RegionFailoverReport = {
    cluster: "core",
    mode: "kill",
    drill_id: drillId,
    old_primary: `${euPrimary} (${PRIMARY_REGION})`,
    new_primary: promoted ? `${usMember.name} (${r.name})` : null,
    rto_ms: firstUsAck ? firstUsAck - faultAt : null,
    unavailable_ms: firstUsAck ? longestWriteGap(acks.map((a) => a.at), faultAt, writesEndedAt) : null,
    acked_writes: acks.length,
    failed_writes: failed,
    lost_writes: promoted ? rp.lost.length : 0,
    lost_ids_sample: rp.lost.slice(0, 20),
    acked_by_node: byRegion,
    // eu's core was dead when us took writes: two writable copies at once would show here.
    split_brain: acks.some((a) => a.region === PRIMARY_REGION && firstUsAck > 0 && a.at > firstUsAck),
    rejoined: false,
    rejoin_ms: null,
    replicas_converged: promoted && rp.lostAfterPromotion.length === 0,
    latency_ms: {
      before_p95: p95(acks.filter((a) => a.at < faultAt).map((a) => a.ms)),
      after_p95: p95(acks.filter((a) => a.region === r.name).map((a) => a.ms)),
    },
    started_at: startedAt.toISOString(),
    fault_at: new Date(faultAt).toISOString(),
    finished_at: new Date().toISOString(),
    region: {
      lost: PRIMARY_REGION,
      promoted: promoted ? r.name : null,
      copy_age_at_loss_ms: copyAgeMs,
      detected_ms: detectedAt ? detectedAt - faultAt : null,
      confirm_wait_ms: confirmedAt ? confirmedAt - detectedAt : null,
      promote_ms: promotedAt ? promotedAt - promoteAskedAt : null,
      rpo_writes: promoted ? rp.lost.length - rp.lostAfterPromotion.length : 0,
      rpo_window_ms: promoted ? rp.windowMs : null,
      storefront_repointed_ms: repointedAt ? repointedAt - faultAt : null,
      workers_started_ms: workersAt ? workersAt - faultAt : null,
      edge: { eu_clients_moved_ms: edgeMoved?.at_ms ?? null, ...euSeen, us_clients: usSeen },
      sync_cost: syncCost,
    },
  };
  await saveRegionDrill(t, report, promoted ? memberUrl(t, usMember, t.postgres.database) : undefined);
  emit({ type: "done", report });
  return report;
}

/** Where region drills' reports are kept in the state folder (failback copies them into eu's core). */
export const regionDrillDir = (t: Topology) => join(t.stateDir, "drills");

/** True when a region drill kept its promise: promoted, writes back in us, nothing acked in us lost. */
export function regionDrillPassed(r: RegionFailoverReport): boolean {
  return r.region.promoted !== null && r.rto_ms !== null && r.replicas_converged && !r.split_brain;
}

/**
 * Keeps the report: a JSON file in the state folder, and a `drill_runs` row (the console's drill
 * history) in core's current primary when one answers — the promoted us copy after a drill.
 */
export async function saveRegionDrill(t: Topology, report: RegionFailoverReport, coreUrl: string | undefined): Promise<void> {
  mkdirSync(regionDrillDir(t), { recursive: true });
  writeFileSync(join(regionDrillDir(t), `region-failover-${report.drill_id}.json`), `${JSON.stringify(report, null, 2)}\n`);
  if (coreUrl) await insertDrillRun(coreUrl, report);
}

export async function insertDrillRun(coreUrl: string, report: RegionFailoverReport): Promise<void> {
  const outcome = { drill: report, traffic: null, invariants: [] };
  await once(
    coreUrl,
    `insert into drill_runs (id, cluster, mode, status, report, started_at, finished_at)
     values ($1, $2, 'kill', $3, $4::jsonb, $5, $6) on conflict (id) do nothing`,
    [
      report.drill_id,
      `region-${report.region.lost}`,
      regionDrillPassed(report) ? "passed" : "failed",
      JSON.stringify(outcome),
      report.started_at,
      report.finished_at,
    ],
    5_000,
  );
}
