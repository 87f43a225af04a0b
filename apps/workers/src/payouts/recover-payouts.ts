/**
 * Recovery of in-doubt payout transactions, run when the maintenance process starts and then on a
 * schedule. Prepared transactions outlive the process that prepared them (and a Postgres restart
 * or failover: they are in the WAL and on the replicas), so after a crash each cluster may hold
 * `payout:<id>:core|shard` transactions that still hold their locks. The coordinator log decides:
 *
 *   state committed              → COMMIT PREPARED (the decision was made; finish it)
 *   state aborted, or no row     → ROLLBACK PREPARED (presumed abort)
 *   preparing/prepared, stale    → compare-and-set the row to aborted, then ROLLBACK PREPARED
 *   preparing/prepared, recent   → leave it: its coordinator may still be running (grace period)
 *
 * Then the log itself is tidied: committed payouts with nothing left prepared are completed, and
 * stale `preparing` rows with nothing prepared (a crash before the core prepare) are aborted.
 */
import {
  commitPrepared,
  core,
  listPreparedTransactions,
  rollbackPrepared,
  shardNames,
  type PreparedTransaction,
} from "@agora/db";
import { createLogger } from "@agora/telemetry";
import { ensureShardRecord } from "./participants.ts";
import { inDoubt, inDoubtResolved } from "./payout-metrics.ts";

const log = createLogger({ service: "workers-payouts" });
const GID_RE = /^payout:([0-9a-f-]{36}):(core|shard)$/;

export interface RecoveryOptions {
  /** In-doubt transactions younger than this are left to the coordinator that is preparing them. */
  graceMs: number;
}

export interface RecoveryReport {
  /** Prepared payout transactions found, per cluster. */
  found: Record<string, number>;
  committed: number;
  rolledBack: number;
  /** Younger than the grace period, left alone this time. */
  waiting: number;
  completedPayouts: number;
  abortedPayouts: number;
  /** Committed payouts whose shard record had to be rewritten from the log. */
  redoneShardRecords: number;
}

export async function recoverPayouts(opts: RecoveryOptions): Promise<RecoveryReport> {
  const db = core().primary;
  const clusters = [core().name, ...shardNames()];
  const scans = await Promise.allSettled(
    clusters.map((c) => listPreparedTransactions(c, "payout:")),
  );
  const prepared = scans.flatMap((r, i) => {
    if (r.status === "fulfilled") return r.value;
    log.error(
      { cluster: clusters[i], err: (r.reason as Error).message },
      "prepared transactions not scanned",
    );
    return [];
  });
  const report: RecoveryReport = {
    found: Object.fromEntries(clusters.map((c) => [c, 0])),
    committed: 0,
    rolledBack: 0,
    waiting: 0,
    completedPayouts: 0,
    abortedPayouts: 0,
    redoneShardRecords: 0,
  };
  for (const x of prepared) report.found[x.cluster] = (report.found[x.cluster] ?? 0) + 1;

  const ids = [
    ...new Set(prepared.map((x) => GID_RE.exec(x.gid)?.[1]).filter((id) => id !== undefined)),
  ];
  const rows = await db.payout.findMany({
    where: { id: { in: ids } },
    select: { id: true, state: true },
  });
  const stateOf = new Map(rows.map((r) => [r.id, r.state]));
  const stillPrepared = new Set<string>();
  const committedNow = new Set<string>();
  const now = Date.now();

  const remaining = { ...report.found };
  for (const x of prepared) {
    const id = GID_RE.exec(x.gid)?.[1];
    if (!id) {
      log.warn(
        { cluster: x.cluster, gid: x.gid },
        "prepared transaction with an unknown payout gid left alone",
      );
      continue;
    }
    let state = stateOf.get(id);
    if (state === "preparing" || state === "prepared") {
      if (now - x.preparedAt.getTime() < opts.graceMs) {
        report.waiting++;
        stillPrepared.add(id);
        continue;
      }
      state = await abortStale(id);
      stateOf.set(id, state);
    } else if (state === undefined && now - x.preparedAt.getTime() < opts.graceMs) {
      report.waiting++;
      continue;
    }
    const action = state === "committed" ? "committed" : "rolled_back";
    try {
      await resolve(x, action, report);
    } catch (err) {
      // One unreachable cluster must not keep the others' transactions in doubt; next run retries.
      log.error(
        { cluster: x.cluster, gid: x.gid, err: (err as Error).message },
        "in-doubt payout not resolved",
      );
      continue;
    }
    remaining[x.cluster] = (remaining[x.cluster] ?? 1) - 1;
    if (action === "committed") committedNow.add(id);
  }

  for (const c of clusters) inDoubt.set({ cluster: c }, remaining[c] ?? 0);

  // Tidying the log needs the full picture: with a cluster unscanned, leave it to the next run.
  if (scans.some((r) => r.status === "rejected")) return report;

  // The log: finish what committed, abort what never got as far as a prepared transaction.
  const cutoff = new Date(now - opts.graceMs);
  const finishing = await db.payout.findMany({
    where: {
      state: "committed",
      completedAt: null,
      // Ours to complete: just committed here, or decided long enough ago that its coordinator is gone.
      OR: [{ id: { in: [...committedNow] } }, { decidedAt: { lt: cutoff } }],
    },
  });
  for (const p of finishing) {
    // The shard's prepared transaction can be lost in a shard failover: redo it from the log.
    if (await ensureShardRecord(p)) {
      report.redoneShardRecords++;
      log.warn({ payoutId: p.id, shard: p.shard }, "shard record redone from the log");
    }
  }
  const completed = await db.payout.updateMany({
    where: { id: { in: finishing.map((p) => p.id) }, completedAt: null },
    data: { completedAt: new Date() },
  });
  report.completedPayouts = completed.count;
  const aborted = await db.payout.updateMany({
    where: {
      state: { in: ["preparing", "prepared"] },
      createdAt: { lt: cutoff },
      id: { notIn: [...stillPrepared] },
    },
    data: {
      state: "aborted",
      decidedAt: new Date(),
      failure: "abandoned before a decision (recovery)",
    },
  });
  report.abortedPayouts = aborted.count;
  if (prepared.length > 0 || aborted.count > 0) log.info({ ...report }, "payout recovery");
  return report;
}

/** Presumed abort for a stale undecided payout; returns the state that holds afterwards. */
async function abortStale(id: string): Promise<string> {
  const db = core().primary;
  const r = await db.payout.updateMany({
    where: { id, state: { in: ["preparing", "prepared"] } },
    data: {
      state: "aborted",
      decidedAt: new Date(),
      failure: "in doubt past the grace period (recovery)",
    },
  });
  if (r.count === 1) return "aborted";
  // The coordinator decided in the meantime: follow its decision.
  return (await db.payout.findUniqueOrThrow({ where: { id }, select: { state: true } })).state;
}

async function resolve(
  x: PreparedTransaction,
  action: "committed" | "rolled_back",
  report: RecoveryReport,
): Promise<void> {
  const done =
    action === "committed"
      ? await commitPrepared(x.cluster, x.gid)
      : await rollbackPrepared(x.cluster, x.gid);
  if (!done) return; // finished by someone else between the scan and now
  if (action === "committed") report.committed++;
  else report.rolledBack++;
  inDoubtResolved.inc({ cluster: x.cluster, action });
  log.info({ cluster: x.cluster, gid: x.gid, action }, "in-doubt payout transaction resolved");
}
