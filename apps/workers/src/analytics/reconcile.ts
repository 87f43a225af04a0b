/**
 * The batch side (lambda architecture): recompute a time range from `order_events` and the view
 * log, compare with the streaming rollups, record every difference in a reconcile run and repair
 * the rollups (the batch is the truth). One core transaction per UTC day, holding the rollups'
 * advisory lock exclusively: stream writers wait, so the repair cannot lose their increments, and
 * the events it counted are marked applied so the stream skips them when their messages arrive.
 */
import { randomUUID } from "node:crypto";
import { dayChunks, type Granularity, wholeDays } from "@agora/api/analytics";
import { core } from "@agora/db";
import type { RawTx } from "../outbox/fencing.ts";
import { loadOrderStreams, markApplied } from "./order-events.ts";
import { compareRollups, type RollupDifference } from "./rollup-diff.ts";
import {
  aggregate,
  deleteRollups,
  GRANULARITIES,
  lockRollupsExclusive,
  readRollups,
  setRollups,
} from "./rollup-store.ts";
import { eventDeltas, type RollupDelta, SALE_EVENT_TYPES, viewDelta } from "./sale-effects.ts";

export type ReconcileTrigger = "schedule" | "manual";

export interface ReconcileProgress {
  day: Date;
  daysDone: number;
  daysTotal: number;
  differences: number;
}

export interface ReconcileResult {
  runId: string;
  status: "clean" | "repaired";
  from: Date;
  to: Date;
  eventsRead: number;
  viewsRead: number;
  bucketsCompared: number;
  differences: RollupDifference[];
}

// A day of a busy shop is read and rewritten in one transaction.
const CHUNK_TX = { maxWait: 30_000, timeout: 300_000 };

async function saleDeltas(tx: RawTx, from: Date, to: Date) {
  const events = await tx.$queryRawUnsafe<{ orderId: string; version: number }[]>(
    `SELECT order_id::text AS "orderId", version FROM order_events
      WHERE type IN (${SALE_EVENT_TYPES.map((t) => `'${t}'`).join(", ")})
        AND created_at >= $1 AND created_at < $2`,
    from,
    to,
  );
  const streams = await loadOrderStreams(tx, [...new Set(events.map((e) => e.orderId))]);
  const deltas = events.flatMap((e) => eventDeltas(streams.get(e.orderId) ?? [], e.version));
  return { events, deltas };
}

async function viewDeltas(tx: RawTx, from: Date, to: Date): Promise<RollupDelta[]> {
  const rows = await tx.$queryRawUnsafe<
    { vendor_id: string; product_id: string; viewed_at: Date }[]
  >(
    `SELECT vendor_id::text, product_id::text, viewed_at FROM analytics_view_events
      WHERE viewed_at >= $1 AND viewed_at < $2`,
    from,
    to,
  );
  return rows.map((v) => viewDelta(v.vendor_id, v.product_id, new Date(v.viewed_at)));
}

async function recordDifferences(tx: RawTx, runId: string, diffs: RollupDifference[]) {
  if (diffs.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO analytics_reconcile_differences
       (run_id, vendor_id, product_id, granularity, bucket_start, metric, expected, actual)
     SELECT $2::uuid, vendor_id, product_id, granularity, bucket_start, metric, expected, actual
       FROM jsonb_to_recordset($1::jsonb) AS r(vendor_id uuid, product_id uuid, granularity text,
         bucket_start timestamptz, metric text, expected bigint, actual bigint)`,
    JSON.stringify(
      diffs.map((d) => ({
        vendor_id: d.vendorId,
        product_id: d.productId,
        granularity: d.granularity,
        bucket_start: d.bucketStart.toISOString(),
        metric: d.metric,
        expected: d.expected,
        actual: d.actual,
      })),
    ),
    runId,
  );
}

/** Recomputes, compares and repairs one whole-day range in one transaction. */
async function reconcileChunk(runId: string, from: Date, to: Date) {
  return core().primary.$transaction(async (tx) => {
    await lockRollupsExclusive(tx);
    const sales = await saleDeltas(tx, from, to);
    const views = await viewDeltas(tx, from, to);
    const truth = [...sales.deltas, ...views];
    const differences: RollupDifference[] = [];
    let bucketsCompared = 0;
    for (const g of GRANULARITIES as Granularity[]) {
      const cmp = compareRollups(g, aggregate(truth, g), await readRollups(tx, g, from, to));
      await setRollups(tx, g, cmp.toSet);
      await deleteRollups(tx, g, cmp.toDelete);
      differences.push(...cmp.differences);
      bucketsCompared += cmp.bucketsCompared;
    }
    await recordDifferences(tx, runId, differences);
    await markApplied(tx, sales.events, "batch");
    return {
      eventsRead: sales.events.length,
      viewsRead: views.length,
      bucketsCompared,
      differences,
    };
  }, CHUNK_TX);
}

/**
 * Runs the batch over `[from, to)` widened to whole UTC days, one day at a time. The run row is
 * written first (status `running`) and finished as `clean`, `repaired` or `failed`.
 */
export async function reconcile(opts: {
  trigger: ReconcileTrigger;
  from: Date;
  to: Date;
  onProgress?: (p: ReconcileProgress) => void | Promise<void>;
}): Promise<ReconcileResult> {
  const { from, to } = wholeDays(opts.from, opts.to);
  const runId = randomUUID();
  const db = core().primary;
  await db.analyticsReconcileRun.create({
    data: { id: runId, trigger: opts.trigger, rangeStart: from, rangeEnd: to, status: "running" },
  });
  const result: ReconcileResult = {
    runId,
    status: "clean",
    from,
    to,
    eventsRead: 0,
    viewsRead: 0,
    bucketsCompared: 0,
    differences: [],
  };
  const chunks = dayChunks(from, to);
  try {
    for (const [i, chunk] of chunks.entries()) {
      const r = await reconcileChunk(runId, chunk.from, chunk.to);
      result.eventsRead += r.eventsRead;
      result.viewsRead += r.viewsRead;
      result.bucketsCompared += r.bucketsCompared;
      result.differences.push(...r.differences);
      await opts.onProgress?.({
        day: chunk.from,
        daysDone: i + 1,
        daysTotal: chunks.length,
        differences: result.differences.length,
      });
    }
  } catch (err) {
    await db.analyticsReconcileRun.update({
      where: { id: runId },
      data: {
        status: "failed",
        error: String(err),
        eventsRead: result.eventsRead,
        viewsRead: result.viewsRead,
        bucketsCompared: result.bucketsCompared,
        differences: result.differences.length,
        finishedAt: new Date(),
      },
    });
    throw err;
  }
  result.status = result.differences.length > 0 ? "repaired" : "clean";
  await db.analyticsReconcileRun.update({
    where: { id: runId },
    data: {
      status: result.status,
      eventsRead: result.eventsRead,
      viewsRead: result.viewsRead,
      bucketsCompared: result.bucketsCompared,
      differences: result.differences.length,
      finishedAt: new Date(),
    },
  });
  return result;
}
