/**
 * What one order event does to the sales rollups, computed from the order's own event stream.
 * The streaming consumer and the batch job both call `eventDeltas`, so they agree by construction
 * and differ only when an event was missed, doubled or a row was damaged.
 *
 *  - PaymentCaptured: the sale. Per vendor: each product's revenue (Σ quantity × unit price) and
 *    units, one order per product; the vendor's own row (productId null) gets that vendor's
 *    shipping and one order.
 *  - VendorRefunded (a partial refund by one vendor): its amount on the vendor's own row.
 *  - A full refund (PaymentRefunded, or OrderCancelled after capture when no PaymentRefunded came
 *    first): what is left of each vendor's sale after its partial refunds, allocated to the
 *    products in id order and then to the vendor's row (shipping). Counted once per order.
 *
 * Event types are matched as the strings stored in `order_events`, so types added to the order
 * aggregate later need no change here to compile.
 */
import { z } from "zod";

export const SALE_EVENT_TYPES = [
  "PaymentCaptured",
  "PaymentRefunded",
  "OrderCancelled",
  "VendorRefunded",
] as const;

export interface StoredOrderEvent {
  version: number;
  type: string;
  payload: unknown;
  createdAt: Date;
}

/** A change of one rollup row at one instant (the event's commit time). */
export interface RollupDelta {
  vendorId: string;
  /** null: the vendor's own row (shipping, partial refunds, the vendor's order count). */
  productId: string | null;
  at: Date;
  revenueCents: number;
  refundCents: number;
  units: number;
  orders: number;
  views: number;
}

const placedSchema = z.object({
  items: z
    .array(
      z.object({
        vendorId: z.string(),
        productId: z.string(),
        quantity: z.number().int(),
        unitPriceCents: z.number().int(),
      }),
    )
    .min(1),
  shipping: z.array(z.object({ vendorId: z.string(), priceCents: z.number().int() })).optional(),
});

const vendorRefundSchema = z.object({ vendorId: z.string(), amountCents: z.number().int() });

export class MalformedOrderStreamError extends Error {
  readonly code = "MALFORMED_ORDER_STREAM";
  constructor(detail: string) {
    super(`order event stream cannot be rolled up: ${detail}`);
    this.name = "MalformedOrderStreamError";
  }
}

interface VendorSale {
  vendorId: string;
  /** Per product, sorted by product id. */
  products: { productId: string; revenueCents: number; units: number }[];
  shippingCents: number;
}

/** The order's sale per vendor, from its OrderPlaced event. */
function vendorSales(events: StoredOrderEvent[]): VendorSale[] {
  const placed = events.find((e) => e.type === "OrderPlaced");
  if (!placed) throw new MalformedOrderStreamError("no OrderPlaced event");
  const parsed = placedSchema.safeParse(placed.payload);
  if (!parsed.success) throw new MalformedOrderStreamError(parsed.error.issues[0]?.message ?? "");
  const byVendor = new Map<string, Map<string, { revenueCents: number; units: number }>>();
  for (const it of parsed.data.items) {
    const products = byVendor.get(it.vendorId) ?? new Map();
    const p = products.get(it.productId) ?? { revenueCents: 0, units: 0 };
    p.revenueCents += it.quantity * it.unitPriceCents;
    p.units += it.quantity;
    products.set(it.productId, p);
    byVendor.set(it.vendorId, products);
  }
  return [...byVendor.keys()].sort().map((vendorId) => ({
    vendorId,
    products: [...byVendor.get(vendorId)!.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([productId, p]) => ({ productId, ...p })),
    shippingCents: (parsed.data.shipping ?? [])
      .filter((s) => s.vendorId === vendorId)
      .reduce((n, s) => n + s.priceCents, 0),
  }));
}

const zero = (vendorId: string, productId: string | null, at: Date): RollupDelta => ({
  vendorId,
  productId,
  at,
  revenueCents: 0,
  refundCents: 0,
  units: 0,
  orders: 0,
  views: 0,
});

/** One product page view (from the view log). */
export function viewDelta(vendorId: string, productId: string, at: Date): RollupDelta {
  return { ...zero(vendorId, productId, at), views: 1 };
}

function isFullRefund(e: StoredOrderEvent, capturedBefore: boolean): boolean {
  return capturedBefore && (e.type === "PaymentRefunded" || e.type === "OrderCancelled");
}

/** The rollup changes caused by the event at `version` of one order (`events`: its whole stream). */
export function eventDeltas(events: StoredOrderEvent[], version: number): RollupDelta[] {
  const sorted = [...events].sort((a, b) => a.version - b.version);
  const event = sorted.find((e) => e.version === version);
  if (!event) throw new MalformedOrderStreamError(`no event at version ${version}`);
  const before = sorted.filter((e) => e.version < version);
  const captureIndex = before.findIndex((e) => e.type === "PaymentCaptured");
  const captured = captureIndex >= 0;
  const at = event.createdAt;

  if (event.type === "PaymentCaptured") {
    if (captured) return [];
    return vendorSales(sorted).flatMap((v) => [
      ...v.products.map((p) => ({
        ...zero(v.vendorId, p.productId, at),
        revenueCents: p.revenueCents,
        units: p.units,
        orders: 1,
      })),
      { ...zero(v.vendorId, null, at), revenueCents: v.shippingCents, orders: 1 },
    ]);
  }

  const afterCapture = before.slice(captureIndex + 1);
  const fullyRefunded = afterCapture.some((e) => isFullRefund(e, true));
  if (!captured || fullyRefunded) return [];

  if (event.type === "VendorRefunded") {
    const r = vendorRefundSchema.safeParse(event.payload);
    if (!r.success) throw new MalformedOrderStreamError(`VendorRefunded: ${r.error.message}`);
    return [{ ...zero(r.data.vendorId, null, at), refundCents: r.data.amountCents }];
  }

  if (!isFullRefund(event, captured)) return [];
  const partial = new Map<string, number>();
  for (const e of afterCapture) {
    if (e.type !== "VendorRefunded") continue;
    const r = vendorRefundSchema.safeParse(e.payload);
    if (r.success)
      partial.set(r.data.vendorId, (partial.get(r.data.vendorId) ?? 0) + r.data.amountCents);
  }
  return vendorSales(sorted).flatMap((v) => {
    const gross = v.products.reduce((n, p) => n + p.revenueCents, 0) + v.shippingCents;
    let left = Math.max(0, gross - (partial.get(v.vendorId) ?? 0));
    const out: RollupDelta[] = [];
    for (const p of v.products) {
      const refund = Math.min(left, p.revenueCents);
      left -= refund;
      if (refund > 0) out.push({ ...zero(v.vendorId, p.productId, at), refundCents: refund });
    }
    if (left > 0) out.push({ ...zero(v.vendorId, null, at), refundCents: left });
    return out;
  });
}
