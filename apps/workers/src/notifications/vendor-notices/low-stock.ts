/**
 * Low-stock crossings. A product is low when its availability (all warehouses and variants) is at
 * or below its threshold — the highest `low_stock_threshold` among its stock rows, so a threshold
 * an owner sets on any row counts. `vendor_stock_alerts` remembers the last state per product, so
 * a notice fires once per crossing from above to at-or-below, and re-arms when stock recovers.
 * Events are ordered by their shard outbox position; an older one never flips the state back.
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

/** Records the observation; true when it is a fresh crossing into low stock. */
export async function crossedIntoLow(tx: RawTx, o: StockObservation): Promise<boolean> {
  const low = o.threshold !== null && o.available <= o.threshold;
  // A "not low" row to lock first: two first-ever events of a product then queue on it instead of
  // both seeing no row (and both firing).
  await tx.$executeRawUnsafe(
    `INSERT INTO vendor_stock_alerts (vendor_id, product_id, low, source, position)
     VALUES ($1::uuid, $2::uuid, false, '', -1) ON CONFLICT DO NOTHING`,
    o.vendorId,
    o.productId,
  );
  const previous = await tx.$queryRawUnsafe<{ low: boolean; source: string; position: bigint }[]>(
    `SELECT low, source, position FROM vendor_stock_alerts
      WHERE vendor_id = $1::uuid AND product_id = $2::uuid FOR UPDATE`,
    o.vendorId,
    o.productId,
  );
  const prev = previous[0];
  // Same shard and not newer: an event this state already reflects (or a later one) — ignore it.
  if (prev && prev.source === o.source && BigInt(prev.position) >= o.position) return false;
  await tx.$executeRawUnsafe(
    `INSERT INTO vendor_stock_alerts (vendor_id, product_id, low, source, position)
     VALUES ($1::uuid, $2::uuid, $3, $4, $5)
     ON CONFLICT (vendor_id, product_id)
     DO UPDATE SET low = EXCLUDED.low, source = EXCLUDED.source, position = EXCLUDED.position, updated_at = now()`,
    o.vendorId,
    o.productId,
    low,
    o.source,
    o.position,
  );
  return low && !(prev?.low ?? false);
}
