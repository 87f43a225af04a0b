/**
 * A cancelled vendor sub-order puts its committed units back on the shelf: on_hand grows by each
 * allocation, one `restock` movement per allocation, and the product's availability is published
 * (StockChanged in the same shard transaction). The sub-order row keeps its reservation status
 * (COMMITTED: the reservation did happen); the restock is its own movement.
 *
 * Idempotent: the sub-order row is locked first, so retries queue, and a restock already logged
 * for the order is not repeated.
 */
import { emitStockChanged, withTenant } from "@agora/db";
import type { StockAllocation } from "@agora/orders";
import { StockInvariantError, StockReservationStateError } from "@agora/inventory";

export interface Restock {
  allocations: StockAllocation[];
  /** True when an earlier call had already restocked this sub-order. */
  replayed: boolean;
}

export async function restockOrder(orderId: string, vendorId: string): Promise<Restock> {
  return withTenant(vendorId, async (tx) => {
    const rows = await tx.$queryRaw<
      { status: string; items: { allocations?: StockAllocation[] } }[]
    >`
      SELECT status, items FROM vendor_orders
      WHERE order_id = ${orderId}::uuid AND vendor_id = ${vendorId}::uuid
      FOR UPDATE`;
    const row = rows[0];
    if (row?.status !== "COMMITTED")
      throw new StockReservationStateError(orderId, vendorId, "restock", row?.status ?? null);
    const allocations = row.items.allocations ?? [];
    const reference = `order:${orderId}`;
    const done = await tx.$queryRaw<{ n: number }[]>`
      SELECT 1 AS n FROM stock_movements
      WHERE vendor_id = ${vendorId}::uuid AND reference = ${reference} AND reason = 'restock'
      LIMIT 1`;
    if (done.length > 0) return { allocations, replayed: true };
    for (const a of allocations) {
      const variantId = a.variantId ?? null;
      const n = await tx.$executeRaw`
        UPDATE stock_levels SET on_hand = on_hand + ${a.quantity}, version = version + 1, updated_at = now()
        WHERE vendor_id = ${vendorId}::uuid AND warehouse_id = ${a.warehouseId}::uuid
          AND product_id = ${a.productId}::uuid AND variant_id IS NOT DISTINCT FROM ${variantId}::uuid`;
      if (n !== 1)
        throw new StockInvariantError(
          `restock of ${a.productId} found no stock row in ${a.warehouseId}`,
        );
      const key = `restock:${orderId}:${vendorId}:${a.warehouseId}:${a.productId}:${variantId ?? ""}`;
      await tx.$executeRaw`
        INSERT INTO stock_movements
          (vendor_id, warehouse_id, product_id, variant_id, delta_on_hand, delta_reserved, reason, reference, idempotency_key)
        VALUES (${vendorId}::uuid, ${a.warehouseId}::uuid, ${a.productId}::uuid, ${variantId}::uuid, ${a.quantity}, 0,
                'restock', ${reference}, ${key})`;
    }
    for (const productId of new Set(allocations.map((a) => a.productId)))
      await emitStockChanged(tx, vendorId, productId);
    return { allocations, replayed: false };
  });
}
