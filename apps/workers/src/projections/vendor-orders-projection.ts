/**
 * The vendor sub-order projection: keeps the fulfilment columns of each vendor's `vendor_orders`
 * row (on that vendor's shard) in step with the order aggregate in core. Consumer
 * `vendor-orders` of topic `order`.
 *
 * Each message names the order, its version and its vendors. The consumer re-folds the order from
 * `order_events` (core primary, so never older than the message) and writes each vendor's parcel
 * with `WHERE projected_version < version`: events are applied in version order by construction,
 * a redelivered or older message finds a newer row and changes nothing (idempotent), and a message
 * that overtook an earlier one already carries that one's effect. Shard writes run under the
 * vendor's tenant scope (row-level security). The reservation `status` is never touched.
 */
import { withTenant } from "@agora/db";
import { loadOrder, type OrderState, type ParcelStatus } from "@agora/orders";
import { z } from "zod";
import type { OutboxMessage } from "../outbox/outbox-message.ts";

export const VENDOR_ORDERS_PROJECTION = "vendor-orders";

/**
 * The checkout saga's events before an order is ready for fulfilment. Vendors see a sub-order
 * only from then on (`fulfilmentStatusOf`; every vendor read filters on it), and each message
 * re-folds the whole order, so the OrderReadyForFulfilment message projects everything before
 * it: the relay does not send these (six queue jobs, order folds and shard transactions per order).
 */
export const EVENTS_BEFORE_FULFILMENT = [
  "OrderPlaced",
  "StockReserved",
  "PaymentAuthorized",
  "OrderConfirmed",
  "PaymentCaptured",
  "StockCommitted",
] as const;

const orderMessageSchema = z.object({
  orderId: z.uuid(),
  version: z.number().int().positive(),
  vendorIds: z.array(z.uuid()),
});

/** Orders vendors see: paid for (ready or further), or cancelled after capture. */
function fulfilmentStatusOf(state: OrderState, vendorId: string): ParcelStatus | null {
  const parcel = state.parcels[vendorId];
  if (!parcel) return null;
  if (["READY_FOR_FULFILMENT", "FULFILLING", "SHIPPED", "DELIVERED"].includes(state.status))
    return parcel.status;
  if (state.status === "CANCELLED" && state.captured) return "CANCELLED";
  return null;
}

/** Projects one `order` outbox message; returns how many vendor rows moved forward. */
export async function projectVendorOrders(
  message: Pick<OutboxMessage, "payload">,
): Promise<number> {
  const { orderId, vendorIds } = orderMessageSchema.parse(message.payload);
  const state = await loadOrder(orderId);
  if (!state) return 0;
  let moved = 0;
  for (const vendorId of vendorIds) {
    const parcel = state.parcels[vendorId];
    const shipping = (state.placed.shipping ?? [])
      .filter((s) => s.vendorId === vendorId)
      .reduce((sum, s) => sum + s.priceCents, 0);
    moved += await withTenant(
      vendorId,
      (tx) =>
        tx.$executeRaw`
        UPDATE vendor_orders SET
          fulfilment_status = ${fulfilmentStatusOf(state, vendorId)},
          tracking_number = ${parcel?.trackingNumber ?? null},
          carrier_status = ${parcel?.carrierStatus ?? null},
          shipping_cents = ${shipping},
          refunded_cents = ${parcel?.refundedCents ?? 0},
          order_status = ${state.status},
          projected_version = ${state.version},
          fulfilment_updated_at = now()
        WHERE order_id = ${orderId}::uuid AND vendor_id = ${vendorId}::uuid
          AND projected_version < ${state.version}`,
    );
  }
  return moved;
}
