/**
 * The public face of an order event: what the core outbox publishes on topic `order` (live order
 * page, notifications, analytics) and what the order timeline shows. Built field by field from
 * each event type, never by copying a payload, so nothing private (the payment method, the
 * address, the idempotency key) can leak into a message by accident.
 */
import { z } from "zod";
import type { OrderEvent, OrderState, OrderStatus } from "./events.ts";

export const ORDER_TOPIC = "order";

export interface OrderOutboxPayload {
  orderId: string;
  userId: string;
  version: number;
  type: OrderEvent["type"];
  status: OrderStatus;
  at: string;
  vendorIds: string[];
  detail: Record<string, unknown>;
}

/** The shareable facts of one event. */
export function eventDetail(e: OrderEvent): Record<string, unknown> {
  switch (e.type) {
    case "OrderPlaced":
      return {
        totalCents: e.payload.totalCents,
        currency: e.payload.currency,
        itemCount: e.payload.items.reduce((n, i) => n + i.quantity, 0),
        ...(e.payload.placedIn ? { placedIn: e.payload.placedIn } : {}),
        ...(e.payload.sagaStart ? { sagaStart: e.payload.sagaStart } : {}),
      };
    case "StockReserved":
      return { vendorIds: e.payload.vendors.map((v) => v.vendorId) };
    case "PaymentAuthorized":
      return { amountCents: e.payload.amountCents };
    case "PaymentCaptured":
      return { amountCents: e.payload.amountCents };
    case "PaymentRefunded":
      return { amountCents: e.payload.amountCents };
    case "StockCommitted":
    case "StockReleased":
      return { vendorIds: e.payload.vendorIds };
    case "CompensationStarted":
      return {
        reason: e.payload.reason,
        detail: e.payload.detail,
        failedStep: e.payload.failedStep,
      };
    case "OrderFailed":
    case "OrderCancelled":
      return {
        reason: e.payload.reason,
        detail: e.payload.detail,
        compensations: e.payload.compensations,
      };
    case "PaymentVoided":
    case "OrderConfirmed":
    case "OrderReadyForFulfilment":
    case "OrderShipped":
    case "OrderDelivered":
      return {};
    case "VendorOrderAccepted":
    case "VendorOrderPacked":
      return { vendorId: e.payload.vendorId };
    case "ShipmentCreated":
    case "ShipmentDelivered":
      return { vendorId: e.payload.vendorId, trackingNumber: e.payload.trackingNumber };
    case "ShipmentProgressed":
      return {
        vendorId: e.payload.vendorId,
        trackingNumber: e.payload.trackingNumber,
        carrierStatus: e.payload.carrierStatus,
      };
    case "VendorRefundRequested":
      return {
        vendorId: e.payload.vendorId,
        amountCents: e.payload.amountCents,
        cancel: e.payload.cancel,
        reason: e.payload.reason,
      };
    case "VendorRefunded":
      return {
        vendorId: e.payload.vendorId,
        amountCents: e.payload.amountCents,
        reason: e.payload.reason,
      };
    case "VendorRefundFailed":
      return { vendorId: e.payload.vendorId, reason: e.payload.reason };
    case "VendorOrderCancelled":
      return {
        vendorId: e.payload.vendorId,
        reason: e.payload.reason,
        refundedCents: e.payload.refundedCents,
        restocked: e.payload.restocked,
      };
  }
}

/** Vendors of the order, sorted, so consumers can route per vendor without loading the order. */
export function orderVendorIds(state: OrderState): string[] {
  return [...new Set(state.placed.items.map((i) => i.vendorId))].sort();
}

/** The outbox payload of the event that moved the order to `after` (its version and status). */
export function orderOutboxPayload(after: OrderState, e: OrderEvent, at: Date): OrderOutboxPayload {
  return {
    orderId: after.id,
    userId: after.placed.userId,
    version: after.version,
    type: e.type,
    status: after.status,
    at: at.toISOString(),
    vendorIds: orderVendorIds(after),
    detail: eventDetail(e),
  };
}

const sagaHandOffSchema = z.object({
  orderId: z.uuid(),
  type: z.literal("OrderPlaced"),
  detail: z.object({ sagaStart: z.literal("outbox") }),
});

/**
 * The order whose saga the core region must start from this outbox payload, or null: an
 * OrderPlaced taken in a region without saga workers (`sagaStart: "outbox"`). The relay routes
 * only those to the saga pool's hand-off queue (docs/adr/0010 "Workers in us").
 */
export function sagaHandOff(payload: unknown): { orderId: string } | null {
  const parsed = sagaHandOffSchema.safeParse(payload);
  return parsed.success ? { orderId: parsed.data.orderId } : null;
}
