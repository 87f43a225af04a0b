/**
 * `vendor.orders.list` / `vendor.orders.get`. The list reads the tenant's sub-order projection on
 * its shard (vendor_orders fulfilment columns, kept by the `vendor-orders` consumer); one order's
 * page reads the order aggregate itself in core, so actions are taken on the current version.
 */
import { core, withTenant } from "@agora/db";
import { ERASED_ADDRESS, openShippingAddress, refundableCents } from "@agora/orders";
import { TRPCError } from "@trpc/server";
import { timelineOf } from "../../orders/order-timeline.ts";
import { ownParcel } from "./fulfil-order.ts";
import type { ListVendorOrdersInput, VendorOrderPage, VendorOrderView } from "./orders.schema.ts";

interface SubOrderRow {
  order_id: string;
  created_at: Date;
  fulfilment_status: string;
  order_status: string | null;
  total_cents: number;
  shipping_cents: number;
  refunded_cents: number;
  currency: string;
  item_count: number;
  tracking_number: string | null;
  carrier_status: string | null;
}

/** Newest first; the cursor is the last row's order id, compared on the row's own (created_at, id). */
export async function listVendorOrders(
  vendorId: string,
  input: ListVendorOrdersInput,
): Promise<VendorOrderPage> {
  const limit = input?.limit ?? 25;
  const rows = await withTenant(
    vendorId,
    (tx) =>
      tx.$queryRaw<SubOrderRow[]>`
      SELECT vo.order_id::text, vo.created_at, vo.fulfilment_status, vo.order_status, vo.total_cents,
             vo.shipping_cents, vo.refunded_cents, vo.currency, vo.tracking_number, vo.carrier_status,
             COALESCE((SELECT sum((l->>'quantity')::int) FROM jsonb_array_elements(vo.items->'lines') l), 0)::int
               AS item_count
      FROM vendor_orders vo
      WHERE vo.vendor_id = ${vendorId}::uuid AND vo.fulfilment_status IS NOT NULL
        AND (${input?.status ?? null}::text IS NULL OR vo.fulfilment_status = ${input?.status ?? null}::text)
        AND (${input?.cursor ?? null}::uuid IS NULL OR (vo.created_at, vo.id) <
             (SELECT c.created_at, c.id FROM vendor_orders c
              WHERE c.vendor_id = ${vendorId}::uuid AND c.order_id = ${input?.cursor ?? null}::uuid))
      ORDER BY vo.created_at DESC, vo.id DESC
      LIMIT ${limit + 1}`,
  );
  const items = rows.slice(0, limit).map((r) => ({
    orderId: r.order_id,
    createdAt: r.created_at,
    fulfilmentStatus: r.fulfilment_status,
    orderStatus: r.order_status,
    totalCents: r.total_cents,
    shippingCents: r.shipping_cents,
    refundedCents: r.refunded_cents,
    currency: r.currency,
    itemCount: r.item_count,
    trackingNumber: r.tracking_number,
    carrierStatus: r.carrier_status,
  }));
  return {
    items,
    nextCursor: rows.length > limit ? (items[items.length - 1]?.orderId ?? null) : null,
  };
}

export async function getVendorOrder(vendorId: string, orderId: string): Promise<VendorOrderView> {
  const db = core().primary;
  const [order, events] = await Promise.all([
    db.order.findUnique({ where: { id: orderId }, select: { createdAt: true } }),
    db.orderEvent.findMany({
      where: { orderId },
      orderBy: { version: "asc" },
      select: { version: true, type: true, payload: true, createdAt: true },
    }),
  ]);
  const { timeline, state } = timelineOf(orderId, events);
  if (!state || !order)
    throw new TRPCError({ code: "NOT_FOUND", message: "No such order for this shop." });
  const parcel = ownParcel(state, vendorId);
  const lines = state.placed.items.filter((i) => i.vendorId === vendorId);
  const titles = await withTenant(vendorId, (tx) =>
    tx.product.findMany({
      where: { vendorId, id: { in: lines.map((l) => l.productId) } },
      select: { id: true, title: true },
    }),
  );
  const titleOf = new Map(titles.map((p) => [p.id, p.title]));
  const a = await openShippingAddress(orderId, state.placed);
  return {
    orderId,
    version: state.version,
    orderStatus: state.status,
    createdAt: order.createdAt,
    currency: state.placed.currency,
    lines: lines.map((l) => ({
      productId: l.productId,
      title: titleOf.get(l.productId) ?? "",
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
    })),
    shippingCents: (state.placed.shipping ?? [])
      .filter((s) => s.vendorId === vendorId)
      .reduce((sum, s) => sum + s.priceCents, 0),
    address:
      a && a !== ERASED_ADDRESS
        ? { name: a.name, line1: a.line1, city: a.city, postalCode: a.postalCode, country: a.country }
        : null,
    customerErased: a === ERASED_ADDRESS,
    parcel: {
      status: parcel.status,
      shareCents: parcel.shareCents,
      refundedCents: parcel.refundedCents,
      refundableCents: refundableCents(parcel),
      trackingNumber: parcel.trackingNumber,
      carrierStatus: parcel.carrierStatus,
      cancelReason: parcel.cancelReason,
      refundInProgress: parcel.pendingRefund
        ? {
            amountCents: parcel.pendingRefund.amountCents,
            reason: parcel.pendingRefund.reason,
            cancel: parcel.pendingRefund.cancel,
          }
        : null,
    },
    timeline: vendorTimeline(timeline, vendorId),
  };
}

/**
 * A vendor's view of an order's timeline: its own parcel's entries with their detail, and the
 * order-wide steps (placed, paid, confirmed…) without theirs: those carry the whole order's total,
 * item count, payment amounts and the other vendors in it, which are not this vendor's business.
 */
export function vendorTimeline(
  timeline: VendorOrderView["timeline"],
  vendorId: string,
): VendorOrderView["timeline"] {
  return timeline
    .filter((t) => t.detail.vendorId === undefined || t.detail.vendorId === vendorId)
    .map((t) => (t.detail.vendorId === vendorId ? t : { ...t, detail: {} }));
}
