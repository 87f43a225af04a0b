/**
 * Per-vendor fulfilment inside the order aggregate: every vendor of an order ships (or cancels)
 * its own parcel. The guards live in the fold, so an event that breaks them can never be
 * appended (appendEvents folds before it writes):
 *
 *   parcel  AWAITING ─accept─▶ ACCEPTED ─pack─▶ PACKED ─ship─▶ SHIPPED ─carrier─▶ DELIVERED
 *           AWAITING | ACCEPTED | PACKED ─cancel (refund + restock)─▶ CANCELLED
 *   order   READY_FOR_FULFILMENT ─first vendor action─▶ FULFILLING ─all live parcels shipped─▶
 *           SHIPPED ─all live parcels delivered─▶ DELIVERED (terminal); every parcel cancelled ─▶ CANCELLED
 *
 * A refund (partial, or the whole remaining share on cancel) is requested first
 * (VendorRefundRequested) and completed by a worker (VendorRefunded, then VendorOrderCancelled
 * for a cancel); one request per vendor is in flight at a time.
 */
import type { OrderEvent, OrderItem, OrderState, ShippingChoice } from "./events.ts";

export type ParcelStatus =
  "AWAITING" | "ACCEPTED" | "PACKED" | "SHIPPED" | "DELIVERED" | "CANCELLED";

export const PARCEL_STATUSES: readonly ParcelStatus[] = [
  "AWAITING",
  "ACCEPTED",
  "PACKED",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
];

/** A refund a vendor asked for that the worker has not finished yet. */
export interface PendingRefund {
  requestId: string;
  amountCents: number;
  reason: string;
  /** True when the refund is a cancellation (restock follows, the parcel ends CANCELLED). */
  cancel: boolean;
  /** Set once the provider refund and its ledger transaction are recorded. */
  refundId: string | null;
}

export interface VendorParcel {
  vendorId: string;
  status: ParcelStatus;
  /** What the shopper paid for this vendor's lines plus its shipping: the refund cap. */
  shareCents: number;
  refundedCents: number;
  trackingNumber: string | null;
  carrierStatus: string | null;
  /** Highest carrier sequence applied: older or repeated webhooks are dropped. */
  carrierSequence: number;
  pendingRefund: PendingRefund | null;
  cancelReason: string | null;
  /** Every refund request id seen: a resubmitted request is recognised, never refunded twice. */
  requestIds: string[];
}

export type FulfilmentEvent =
  | { type: "VendorOrderAccepted"; payload: { vendorId: string } }
  | { type: "VendorOrderPacked"; payload: { vendorId: string } }
  | { type: "ShipmentCreated"; payload: { vendorId: string; trackingNumber: string } }
  | {
      type: "ShipmentProgressed";
      payload: {
        vendorId: string;
        trackingNumber: string;
        carrierStatus: string;
        sequence: number;
      };
    }
  | { type: "ShipmentDelivered"; payload: { vendorId: string; trackingNumber: string } }
  | {
      type: "VendorRefundRequested";
      payload: {
        vendorId: string;
        requestId: string;
        amountCents: number;
        reason: string;
        cancel: boolean;
      };
    }
  | {
      type: "VendorRefunded";
      payload: {
        vendorId: string;
        refundId: string;
        amountCents: number;
        ledgerTransactionId: string;
        reason: string;
      };
    }
  | { type: "VendorRefundFailed"; payload: { vendorId: string; reason: string } }
  | {
      type: "VendorOrderCancelled";
      payload: { vendorId: string; reason: string; refundedCents: number; restocked: boolean };
    }
  | { type: "OrderShipped"; payload: Record<string, never> }
  | { type: "OrderDelivered"; payload: Record<string, never> };

export type FulfilmentEventType = FulfilmentEvent["type"];

const FULFILMENT_TYPES: ReadonlySet<string> = new Set<FulfilmentEventType>([
  "VendorOrderAccepted",
  "VendorOrderPacked",
  "ShipmentCreated",
  "ShipmentProgressed",
  "ShipmentDelivered",
  "VendorRefundRequested",
  "VendorRefunded",
  "VendorRefundFailed",
  "VendorOrderCancelled",
  "OrderShipped",
  "OrderDelivered",
]);

export function isFulfilmentEvent(e: OrderEvent): e is FulfilmentEvent {
  return FULFILMENT_TYPES.has(e.type);
}

/** A vendor action the order's current state does not allow (a 409/412 at the API edge). */
export class FulfilmentGuardError extends Error {
  readonly code = "FULFILMENT_GUARD";
  readonly retryable = false;
  constructor(
    readonly orderId: string,
    message: string,
  ) {
    super(`order ${orderId}: ${message}`);
    this.name = "FulfilmentGuardError";
  }
}

/** Each vendor's parcel as placed: lines plus its shipping price. */
export function initialParcels(
  items: OrderItem[],
  shipping: ShippingChoice[] = [],
): Record<string, VendorParcel> {
  const parcels: Record<string, VendorParcel> = {};
  for (const it of items) {
    const p = (parcels[it.vendorId] ??= {
      vendorId: it.vendorId,
      status: "AWAITING",
      shareCents: 0,
      refundedCents: 0,
      trackingNumber: null,
      carrierStatus: null,
      carrierSequence: 0,
      pendingRefund: null,
      cancelReason: null,
      requestIds: [],
    });
    p.shareCents += it.quantity * it.unitPriceCents;
  }
  for (const s of shipping) {
    const p = parcels[s.vendorId];
    if (p) p.shareCents += s.priceCents;
  }
  return parcels;
}

/** What can still be refunded of this vendor's share. */
export function refundableCents(parcel: VendorParcel): number {
  return parcel.shareCents - parcel.refundedCents;
}

/** Order statuses in which vendors act on their parcels. */
const FULFILMENT_OPEN = new Set(["READY_FOR_FULFILMENT", "FULFILLING", "SHIPPED"]);
/** Refunds are also allowed after delivery (returns). */
const REFUND_OPEN = new Set([...FULFILMENT_OPEN, "DELIVERED"]);

function parcelOf(state: OrderState, vendorId: string): VendorParcel {
  const p = state.parcels[vendorId];
  if (!p)
    throw new FulfilmentGuardError(state.id, `vendor ${vendorId} has no parcel in this order`);
  return p;
}

function requireStatus(state: OrderState, p: VendorParcel, allowed: ParcelStatus[], what: string) {
  if (!allowed.includes(p.status))
    throw new FulfilmentGuardError(
      state.id,
      `cannot ${what}: parcel of ${p.vendorId} is ${p.status}`,
    );
}

/**
 * Folds one fulfilment event into `next` (a shallow copy of the previous state with the new
 * version) and returns it; throws FulfilmentGuardError when the event is not allowed.
 */
export function applyFulfilment(
  prev: OrderState,
  next: OrderState,
  e: FulfilmentEvent,
): OrderState {
  if (e.type === "OrderShipped" || e.type === "OrderDelivered") {
    const allowed =
      e.type === "OrderShipped" ? ["READY_FOR_FULFILMENT", "FULFILLING"] : [...FULFILMENT_OPEN];
    if (!allowed.includes(prev.status))
      throw new FulfilmentGuardError(prev.id, `cannot record ${e.type} while ${prev.status}`);
    next.status = e.type === "OrderShipped" ? "SHIPPED" : "DELIVERED";
    return next;
  }
  const refundEvent =
    e.type === "VendorRefundRequested" ||
    e.type === "VendorRefunded" ||
    e.type === "VendorRefundFailed";
  if (!(refundEvent ? REFUND_OPEN : FULFILMENT_OPEN).has(prev.status))
    throw new FulfilmentGuardError(
      prev.id,
      `cannot record ${e.type} while the order is ${prev.status}`,
    );
  const p: VendorParcel = { ...parcelOf(prev, e.payload.vendorId) };
  switch (e.type) {
    case "VendorOrderAccepted":
      requireStatus(prev, p, ["AWAITING"], "accept");
      p.status = "ACCEPTED";
      break;
    case "VendorOrderPacked":
      requireStatus(prev, p, ["ACCEPTED"], "pack");
      p.status = "PACKED";
      break;
    case "ShipmentCreated":
      requireStatus(prev, p, ["ACCEPTED", "PACKED"], "ship");
      if (p.pendingRefund?.cancel)
        throw new FulfilmentGuardError(prev.id, `cannot ship: ${p.vendorId} is being cancelled`);
      p.status = "SHIPPED";
      p.trackingNumber = e.payload.trackingNumber;
      p.carrierStatus = "label_created";
      p.carrierSequence = 1;
      break;
    case "ShipmentProgressed":
      requireStatus(prev, p, ["SHIPPED"], "track");
      if (p.trackingNumber !== e.payload.trackingNumber)
        throw new FulfilmentGuardError(
          prev.id,
          `unknown tracking number ${e.payload.trackingNumber}`,
        );
      if (e.payload.sequence <= p.carrierSequence)
        throw new FulfilmentGuardError(prev.id, `stale carrier update ${e.payload.sequence}`);
      p.carrierStatus = e.payload.carrierStatus;
      p.carrierSequence = e.payload.sequence;
      break;
    case "ShipmentDelivered":
      requireStatus(prev, p, ["SHIPPED"], "deliver");
      if (p.trackingNumber !== e.payload.trackingNumber)
        throw new FulfilmentGuardError(
          prev.id,
          `unknown tracking number ${e.payload.trackingNumber}`,
        );
      p.status = "DELIVERED";
      p.carrierStatus = "delivered";
      break;
    case "VendorRefundRequested": {
      const { amountCents, cancel } = e.payload;
      if (p.status === "CANCELLED")
        throw new FulfilmentGuardError(prev.id, `parcel of ${p.vendorId} is already cancelled`);
      if (p.requestIds.includes(e.payload.requestId))
        throw new FulfilmentGuardError(
          prev.id,
          `refund request ${e.payload.requestId} was already made`,
        );
      if (p.pendingRefund)
        throw new FulfilmentGuardError(prev.id, `a refund of ${p.vendorId} is still in progress`);
      if (cancel) requireStatus(prev, p, ["AWAITING", "ACCEPTED", "PACKED"], "cancel");
      if (!Number.isInteger(amountCents) || amountCents < 0 || (!cancel && amountCents === 0))
        throw new FulfilmentGuardError(
          prev.id,
          `refund amount ${amountCents} is not a positive amount`,
        );
      if (amountCents > refundableCents(p))
        throw new FulfilmentGuardError(
          prev.id,
          `refund of ${amountCents} exceeds the ${refundableCents(p)} left of ${p.vendorId}'s share`,
        );
      p.pendingRefund = {
        requestId: e.payload.requestId,
        amountCents,
        reason: e.payload.reason,
        cancel,
        refundId: null,
      };
      p.requestIds = [...p.requestIds, e.payload.requestId];
      break;
    }
    case "VendorRefunded": {
      const pending = p.pendingRefund;
      if (!pending || pending.refundId)
        throw new FulfilmentGuardError(
          prev.id,
          `no refund of ${p.vendorId} is waiting for its result`,
        );
      if (
        e.payload.amountCents !== pending.amountCents ||
        e.payload.amountCents > refundableCents(p)
      )
        throw new FulfilmentGuardError(
          prev.id,
          `refund of ${e.payload.amountCents} does not match the request`,
        );
      p.refundedCents += e.payload.amountCents;
      p.pendingRefund = pending.cancel ? { ...pending, refundId: e.payload.refundId } : null;
      break;
    }
    case "VendorRefundFailed":
      if (!p.pendingRefund)
        throw new FulfilmentGuardError(prev.id, `no refund of ${p.vendorId} is in progress`);
      p.pendingRefund = null;
      break;
    case "VendorOrderCancelled":
      requireStatus(prev, p, ["AWAITING", "ACCEPTED", "PACKED"], "cancel");
      if (!p.pendingRefund?.cancel)
        throw new FulfilmentGuardError(prev.id, `cancel of ${p.vendorId} was never requested`);
      if (p.pendingRefund.amountCents > 0 && !p.pendingRefund.refundId)
        throw new FulfilmentGuardError(prev.id, `cancel of ${p.vendorId} before its refund`);
      p.status = "CANCELLED";
      p.cancelReason = e.payload.reason;
      p.pendingRefund = null;
      break;
  }
  next.parcels = { ...prev.parcels, [p.vendorId]: p };
  if (next.status === "READY_FOR_FULFILMENT" && e.type !== "VendorRefundFailed")
    next.status = "FULFILLING";
  return next;
}

/**
 * The order-level events a parcel change implies, to append in the same transaction: SHIPPED
 * once every live parcel left, DELIVERED once every live parcel arrived, CANCELLED once every
 * parcel was cancelled.
 */
export function fulfilmentFollowUps(state: OrderState): OrderEvent[] {
  if (!FULFILMENT_OPEN.has(state.status)) return [];
  const parcels = Object.values(state.parcels);
  const live = parcels.filter((p) => p.status !== "CANCELLED");
  if (parcels.length > 0 && live.length === 0)
    return [
      {
        type: "OrderCancelled",
        payload: {
          reason: "all_vendors_cancelled",
          detail: [...new Set(parcels.map((p) => p.cancelReason ?? ""))].join("; "),
          compensations: [],
        },
      },
    ];
  if (live.every((p) => p.status === "DELIVERED")) return [{ type: "OrderDelivered", payload: {} }];
  if (
    state.status !== "SHIPPED" &&
    live.every((p) => p.status === "SHIPPED" || p.status === "DELIVERED")
  )
    return [{ type: "OrderShipped", payload: {} }];
  return [];
}
