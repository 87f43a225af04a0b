/**
 * `orders.list` / `orders.get`: a shopper's own orders, read with read-your-writes consistency
 * (the token of their last placement, see read-token.ts), plus each vendor's sub-order status
 * from its shard. Someone else's order is NOT_FOUND, exactly like a missing one, so ids cannot
 * be probed.
 */
import { core, type CoreTx, forVendor, setTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { shardUnanswered } from "../cart/vendor-products.ts";
import { lastCommit } from "./read-token.ts";
import type { OrderSummary, OrderView } from "./orders.schema.ts";
import { timelineOf } from "./order-timeline.ts";

const VENDOR_MAX_LAG_MS = 2_000;
const LIST_LIMIT = 50;

const orderItemsSchema = z.array(
  z.object({
    vendorId: z.string(),
    productId: z.string(),
    quantity: z.number(),
    unitPriceCents: z.number(),
  }),
);

export async function listOrders(userId: string): Promise<OrderSummary[]> {
  const token = await lastCommit(userId);
  const { value } = await core().read({ level: "read-your-writes", token }, (db) =>
    db.order.findMany({
      where: { userId },
      orderBy: { createdAt: "desc" },
      take: LIST_LIMIT,
      select: {
        id: true,
        status: true,
        totalCents: true,
        currency: true,
        createdAt: true,
        items: true,
      },
    }),
  );
  return value.map((o) => ({
    id: o.id,
    status: o.status,
    totalCents: o.totalCents,
    currency: o.currency,
    createdAt: o.createdAt,
    itemCount: orderItemsSchema.parse(o.items).reduce((n, i) => n + i.quantity, 0),
  }));
}

interface VendorSide {
  vendorName: string;
  status: string;
  trackingNumber: string | null;
  titles: Map<string, string>;
}

async function vendorSide(
  vendorId: string,
  orderId: string,
  productIds: string[],
): Promise<VendorSide> {
  const db = await forVendor(vendorId);
  const { value } = await db.read({ level: "bounded", maxLagMs: VENDOR_MAX_LAG_MS }, async (tx) => {
    await setTenant(tx, vendorId);
    // to_jsonb: the tracking number column belongs to fulfilment and may not exist on every shard yet.
    const sub = await tx.$queryRaw<{ status: string; tracking_number: string | null }[]>`
      SELECT status, to_jsonb(vo) ->> 'tracking_number' AS tracking_number
      FROM vendor_orders vo WHERE order_id = ${orderId}::uuid AND vendor_id = ${vendorId}::uuid`;
    const vendor = await tx.vendor.findUnique({ where: { id: vendorId }, select: { name: true } });
    const products = await tx.product.findMany({
      where: { vendorId, id: { in: productIds } },
      select: { id: true, title: true },
    });
    return { sub: sub[0], vendor, products };
  });
  return {
    vendorName: value.vendor?.name ?? "",
    // No sub-order yet: the saga has not reserved stock with this vendor.
    status: value.sub?.status ?? "PENDING",
    trackingNumber: value.sub?.tracking_number ?? null,
    titles: new Map(value.products.map((p) => [p.id, p.title])),
  };
}

async function readOrder(db: CoreTx, userId: string, orderId: string) {
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order || order.userId !== userId) return null;
  const events = await db.orderEvent.findMany({
    where: { orderId },
    orderBy: { version: "asc" },
    select: { version: true, type: true, payload: true, createdAt: true },
  });
  return { order, events };
}

/**
 * Read-your-writes covers the shopper's own placement; the saga's later events are written by the
 * workers. `minVersion` (the version of the last live push the page got) closes that gap: a
 * replica that has not replayed it yet would show an older order than the push announced, so the
 * read is repeated on the primary.
 */
export async function getOrder(
  userId: string,
  orderId: string,
  minVersion?: number,
): Promise<OrderView> {
  const token = await lastCommit(userId);
  let { value } = await core().read({ level: "read-your-writes", token }, (db) =>
    readOrder(db, userId, orderId),
  );
  if (minVersion !== undefined && (value === null || value.order.version < minVersion))
    ({ value } = await core().read({ level: "strong" }, (db) => readOrder(db, userId, orderId)));
  if (!value) throw new TRPCError({ code: "NOT_FOUND", message: `no order ${orderId}` });
  const { order, events } = value;
  const items = orderItemsSchema.parse(order.items);
  const vendorIds = [...new Set(items.map((i) => i.vendorId))].sort();
  const sides = await Promise.all(
    vendorIds.map(async (vendorId) => {
      try {
        const ids = items.filter((i) => i.vendorId === vendorId).map((i) => i.productId);
        return await vendorSide(vendorId, orderId, ids);
      } catch (err) {
        // That vendor's shard is down: the order still shows, its sub-order status is unknown.
        if (!shardUnanswered(err)) throw err;
        return null;
      }
    }),
  );
  const titles = new Map<string, string>();
  for (const s of sides) for (const [id, t] of s?.titles ?? []) titles.set(id, t);
  const { timeline, failure, state } = timelineOf(orderId, events);
  const fulfilling = state?.captured === true;
  return {
    id: order.id,
    status: order.status,
    version: order.version,
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt,
    items: items.map((i) => ({ ...i, title: titles.get(i.productId) ?? "" })),
    vendors: vendorIds.map((vendorId, i) => {
      const parcel = fulfilling ? state?.parcels[vendorId] : undefined;
      return {
        vendorId,
        vendorName: sides[i]?.vendorName ?? "",
        status: sides[i]?.status ?? "unknown",
        trackingNumber: parcel?.trackingNumber ?? sides[i]?.trackingNumber ?? null,
        fulfilment: parcel
          ? {
              status: parcel.status,
              carrierStatus: parcel.carrierStatus,
              shareCents: parcel.shareCents,
              refundedCents: parcel.refundedCents,
              cancelReason: parcel.cancelReason,
            }
          : null,
      };
    }),
    timeline,
    failure,
  };
}
