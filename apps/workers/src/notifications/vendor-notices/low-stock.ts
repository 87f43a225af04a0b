/**
 * Low-stock crossings. A product is low when its availability (all warehouses and variants) is at
 * or below its threshold — the highest `low_stock_threshold` among its stock rows, so a threshold
 * an owner sets on any row counts. `vendor_stock_alerts` remembers the last state per product, so
 * a notice fires once per crossing from above to at-or-below, and re-arms when stock recovers.
 * Events are ordered by their shard outbox position; an older one never flips the state back.
 * A process takes one product's events in turn (vendor-notices.ts, through the StockCoalescer), so
 * they do not queue on the row with a connection each; across processes the row lock keeps the
 * order, taken by the one statement that also compares positions and moves the state.
 */
import { withTenant } from "@agora/db";
import type { RawTx } from "../../outbox/fencing.ts";

export interface StockSnapshot {
  title: string;
  threshold: number | null;
}

/** The product's title and threshold, read from its shard under the vendor's tenant scope. */
export async function stockSnapshot(
  vendorId: string,
  productId: string,
): Promise<StockSnapshot | null> {
  return withTenant(vendorId, async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ title: string; threshold: number | null }[]>(
      `SELECT p.title, max(s.low_stock_threshold)::int AS threshold
         FROM products p LEFT JOIN stock_levels s ON s.vendor_id = p.vendor_id AND s.product_id = p.id
        WHERE p.vendor_id = $1::uuid AND p.id = $2::uuid
        GROUP BY p.title`,
      vendorId,
      productId,
    );
    return rows[0] ?? null;
  });
}

export interface StockObservation {
  vendorId: string;
  productId: string;
  available: number;
  threshold: number | null;
  /** The shard the event came from, and its outbox id there. */
  source: string;
  position: bigint;
}

export class StockAlertVanishedError extends Error {
  readonly code = "STOCK_ALERT_VANISHED";
  constructor(o: Pick<StockObservation, "vendorId" | "productId">) {
    super(`low-stock state of product ${o.productId} (vendor ${o.vendorId}) vanished mid-update`);
    this.name = "StockAlertVanishedError";
  }
}

/**
 * One statement under the row lock: locks the product's state (waiting for, then reading, the
 * newest committed version), moves it to the observation unless it already reflects an event of
 * the same shard that is not older, and returns the state before. No row: nothing locked, no rows.
 */
const ADVANCE = `WITH previous AS MATERIALIZED (
    SELECT low, source, position FROM vendor_stock_alerts
     WHERE vendor_id = $1::uuid AND product_id = $2::uuid FOR UPDATE),
  advanced AS (
    UPDATE vendor_stock_alerts a
       SET low = $3::boolean, source = $4::text, position = $5::bigint, updated_at = now()
      FROM previous p
     WHERE a.vendor_id = $1::uuid AND a.product_id = $2::uuid
       AND NOT (p.source = $4::text AND p.position >= $5::bigint)
    RETURNING 1)
  SELECT p.low, EXISTS (SELECT FROM advanced) AS advanced FROM previous p`;

/** Records the observation; true when it is a fresh crossing into low stock. */
export async function crossedIntoLow(tx: RawTx, o: StockObservation): Promise<boolean> {
  const low = o.threshold !== null && o.available <= o.threshold;
  const advance = async () =>
    (
      await tx.$queryRawUnsafe<{ low: boolean; advanced: boolean }[]>(
        ADVANCE,
        o.vendorId,
        o.productId,
        low,
        o.source,
        o.position,
      )
    )[0];
  let previous = await advance();
  if (!previous) {
    // The product's first event: its state is this one, and "not low" before it.
    const inserted = await tx.$queryRawUnsafe<unknown[]>(
      `INSERT INTO vendor_stock_alerts (vendor_id, product_id, low, source, position)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true`,
      o.vendorId,
      o.productId,
      low,
      o.source,
      o.position,
    );
    if (inserted.length > 0) return low;
    // Another first event committed its row in between (the insert waited for it): lock that row.
    previous = await advance();
    if (!previous) throw new StockAlertVanishedError(o);
  }
  // Not advanced: the same shard's event at this position or a newer one is already recorded.
  return previous.advanced && low && !previous.low;
}
