/**
 * The rollup tables (`analytics_hourly`, `analytics_daily`) as the stream and the batch write
 * them. The stream adds deltas under a shared advisory lock; a batch repair takes the same lock
 * exclusively, so it never interleaves with a stream transaction (no lost increments, and every
 * event is either in the batch's snapshot or still ahead of the stream). The stream sums a whole
 * batch of events per row first (order-consumer.ts), so a busy (vendor, hour) row takes one
 * increment per batch instead of one per event.
 */
import { bucketStart, type Granularity } from "@agora/api/analytics";
import type { RawTx } from "../outbox/fencing.ts";
import type { RollupDelta } from "./sale-effects.ts";

export const METRICS = ["revenue_cents", "refund_cents", "units", "orders", "views"] as const;
export type Metric = (typeof METRICS)[number];

export interface RollupRow {
  vendorId: string;
  productId: string | null;
  bucketStart: Date;
  values: Record<Metric, number>;
}

const TABLE: Readonly<Record<Granularity, string>> = {
  hour: "analytics_hourly",
  day: "analytics_daily",
};
export const GRANULARITIES: readonly Granularity[] = ["hour", "day"];

// Any constant shared by every writer of the rollups.
const ROLLUP_LOCK_KEY = 0x616e6c79; // "anly"

export async function lockRollupsShared(tx: RawTx): Promise<void> {
  await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock_shared($1)", ROLLUP_LOCK_KEY);
}

export async function lockRollupsExclusive(tx: RawTx): Promise<void> {
  await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock($1)", ROLLUP_LOCK_KEY);
}

export function rowKey(r: Pick<RollupRow, "vendorId" | "productId" | "bucketStart">): string {
  return `${r.vendorId}|${r.productId ?? "-"}|${r.bucketStart.toISOString()}`;
}

function byKey(a: RollupRow, b: RollupRow): number {
  const [x, y] = [rowKey(a), rowKey(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const emptyValues = (): Record<Metric, number> => ({
  revenue_cents: 0,
  refund_cents: 0,
  units: 0,
  orders: 0,
  views: 0,
});

/** Sums deltas into one row per (vendor, product, bucket). */
export function aggregate(
  deltas: readonly RollupDelta[],
  granularity: Granularity,
  into = new Map<string, RollupRow>(),
): Map<string, RollupRow> {
  for (const d of deltas) {
    const row: RollupRow = {
      vendorId: d.vendorId,
      productId: d.productId,
      bucketStart: bucketStart(d.at, granularity),
      values: emptyValues(),
    };
    const key = rowKey(row);
    const target = into.get(key) ?? row;
    target.values.revenue_cents += d.revenueCents;
    target.values.refund_cents += d.refundCents;
    target.values.units += d.units;
    target.values.orders += d.orders;
    target.values.views += d.views;
    into.set(key, target);
  }
  return into;
}

function asJson(rows: Iterable<RollupRow>): string {
  return JSON.stringify(
    // Rows in key order for every writer, so two upserts that share rows lock them in one order
    // (a batch of many events against another process's batch or the view stream: no deadlock).
    [...rows].sort(byKey).map((r) => ({
      vendor_id: r.vendorId,
      product_id: r.productId,
      bucket_start: r.bucketStart.toISOString(),
      ...r.values,
    })),
  );
}

const RECORDSET = `jsonb_to_recordset($1::jsonb) AS r(vendor_id uuid, product_id uuid,
  bucket_start timestamptz, revenue_cents bigint, refund_cents bigint, units int, orders int, views int)`;

async function upsert(
  tx: RawTx,
  granularity: Granularity,
  rows: RollupRow[],
  mode: "add" | "set",
): Promise<void> {
  if (rows.length === 0) return;
  const table = TABLE[granularity];
  const assign = METRICS.map((m) =>
    mode === "add" ? `${m} = ${table}.${m} + EXCLUDED.${m}` : `${m} = EXCLUDED.${m}`,
  ).join(", ");
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table} (vendor_id, product_id, bucket_start, ${METRICS.join(", ")})
     SELECT vendor_id, product_id, bucket_start, ${METRICS.join(", ")} FROM ${RECORDSET}
     ON CONFLICT ON CONSTRAINT ${table}_key DO UPDATE SET ${assign}, updated_at = now()`,
    asJson(rows),
  );
}

/** Adds the deltas to the hour and day rollups (call under `lockRollupsShared`). */
export async function addToRollups(tx: RawTx, deltas: readonly RollupDelta[]): Promise<void> {
  for (const g of GRANULARITIES) await upsert(tx, g, [...aggregate(deltas, g).values()], "add");
}

/** Overwrites rows with the given values (batch repair, under `lockRollupsExclusive`). */
export async function setRollups(tx: RawTx, granularity: Granularity, rows: RollupRow[]) {
  await upsert(tx, granularity, rows, "set");
}

/** Deletes rows the batch found no events for. */
export async function deleteRollups(tx: RawTx, granularity: Granularity, rows: RollupRow[]) {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `DELETE FROM ${TABLE[granularity]} t USING ${RECORDSET}
      WHERE t.vendor_id = r.vendor_id AND t.product_id IS NOT DISTINCT FROM r.product_id
        AND t.bucket_start = r.bucket_start`,
    asJson(rows),
  );
}

interface StoredRow {
  vendor_id: string;
  product_id: string | null;
  bucket_start: Date;
  revenue_cents: bigint | number;
  refund_cents: bigint | number;
  units: number;
  orders: number;
  views: number;
}

/** The rollup rows with a bucket in `[from, to)`, keyed like `aggregate`. */
export async function readRollups(
  tx: RawTx,
  granularity: Granularity,
  from: Date,
  to: Date,
): Promise<Map<string, RollupRow>> {
  const rows = await tx.$queryRawUnsafe<StoredRow[]>(
    `SELECT vendor_id::text, product_id::text, bucket_start, ${METRICS.join(", ")}
       FROM ${TABLE[granularity]} WHERE bucket_start >= $1 AND bucket_start < $2`,
    from,
    to,
  );
  const out = new Map<string, RollupRow>();
  for (const r of rows) {
    const row: RollupRow = {
      vendorId: r.vendor_id,
      productId: r.product_id,
      bucketStart: new Date(r.bucket_start),
      values: {
        revenue_cents: Number(r.revenue_cents),
        refund_cents: Number(r.refund_cents),
        units: r.units,
        orders: r.orders,
        views: r.views,
      },
    };
    out.set(rowKey(row), row);
  }
  return out;
}
