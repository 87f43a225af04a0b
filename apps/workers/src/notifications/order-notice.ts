/**
 * Which order events a shopper hears about, and what the notice says. Input is the core outbox
 * payload of topic `order` (shared contract: `{ orderId, userId, version, type, status, at,
 * vendorIds, detail }`); every other event type yields no notice.
 */
import { z } from "zod";

export const orderEventPayloadSchema = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  version: z.number().int().nonnegative(),
  type: z.string().min(1),
  status: z.string().min(1),
  at: z.string().min(1),
  vendorIds: z.array(z.uuid()).default([]),
  // Free-form per event (tracking number, failure reason, …); only read defensively below.
  detail: z.unknown().optional(),
});
export type OrderEventPayload = z.infer<typeof orderEventPayloadSchema>;

export const NOTIFICATION_KINDS = [
  "order_confirmed",
  "order_shipped",
  "order_delivered",
  "order_failed",
  "vendor_new_order",
  "vendor_low_stock",
  "vendor_payout",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notice {
  kind: NotificationKind;
  title: string;
  body: string;
  /** Path the inbox links to (storefront for shoppers, vendor portal for vendor notices). */
  link: string;
}

const shortId = (orderId: string) => orderId.slice(0, 8).toUpperCase();

function detailString(detail: unknown, key: string): string | undefined {
  if (detail && typeof detail === "object" && key in detail) {
    const v = (detail as Record<string, unknown>)[key];
    if (typeof v === "string" && v.length > 0) return v;
  }
  return undefined;
}

/**
 * The order events a shopper may get a notice for (`shopperNotice`), and the one vendors get one
 * for (`vendorNotice`): the outbox relay sends these consumers only these events of topic `order`
 * (outbox/subscriptions.ts), not the saga's every step, each of which cost a dedupe transaction.
 */
export const SHOPPER_NOTICE_EVENTS = [
  "OrderConfirmed",
  "ShipmentCreated",
  "VendorOrderShipped",
  "OrderDelivered",
  "OrderFailed",
] as const;
export const VENDOR_NOTICE_EVENTS = ["OrderConfirmed"] as const;

/** The shopper's notice for one order event, or null when this event is not worth one. */
export function shopperNotice(eventType: string, p: OrderEventPayload): Notice | null {
  const ref = shortId(p.orderId);
  const link = `/orders/${p.orderId}`;
  switch (eventType) {
    case "OrderConfirmed":
      return {
        kind: "order_confirmed",
        title: `Order ${ref} confirmed`,
        body: "Thank you! Your payment is authorized and the shops are preparing your order.",
        link,
      };
    // ShipmentCreated: a vendor handed its parcel to the carrier (the order aggregate's name).
    case "ShipmentCreated":
    case "VendorOrderShipped": {
      const tracking = detailString(p.detail, "trackingNumber");
      return {
        kind: "order_shipped",
        title: `Order ${ref} shipped`,
        body: tracking
          ? `A parcel of your order is on its way (tracking ${tracking}).`
          : "A parcel of your order is on its way.",
        link,
      };
    }
    case "OrderDelivered":
      return {
        kind: "order_delivered",
        title: `Order ${ref} delivered`,
        body: "Your order has arrived. Enjoy!",
        link,
      };
    case "OrderFailed": {
      const reason = detailString(p.detail, "reason");
      return {
        kind: "order_failed",
        title: `Order ${ref} could not be completed`,
        body: reason
          ? `We could not complete your order (${reason.replaceAll("_", " ")}). Nothing was charged.`
          : "We could not complete your order. Nothing was charged.",
        link,
      };
    }
    default:
      return null;
  }
}

/** The notice for the staff of each vendor in a confirmed order (their "new order" alert). */
export function vendorNotice(eventType: string, p: OrderEventPayload): Notice | null {
  if (!(VENDOR_NOTICE_EVENTS as readonly string[]).includes(eventType)) return null;
  return {
    kind: "vendor_new_order",
    title: `New order ${shortId(p.orderId)}`,
    body: "A customer ordered from your shop. Accept and ship it from the vendor portal.",
    link: `/orders/${p.orderId}`,
  };
}
