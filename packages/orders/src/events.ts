/**
 * The checkout saga's state machine: the events appended to `order_events`, the status each one
 * leads to, and which step runs next. The order's state is the fold of its events; the `orders`
 * row is only a projection of it (status + version), written in the same transaction.
 *
 *   PENDING ─reserve-stock─▶ STOCK_RESERVED ─authorize-payment─▶ PAYMENT_AUTHORIZED ─confirm-order─▶
 *   CONFIRMED ─capture-payment─▶ CAPTURED ─commit-stock─▶ READY_FOR_FULFILMENT (terminal)
 *   (authorize-payment appends PaymentAuthorized and OrderConfirmed in one commit, so an order
 *   passes PAYMENT_AUTHORIZED within it; confirm-order serves an order left there.)
 *   any failure before capture ─▶ COMPENSATING ─compensate─▶ FAILED (or CANCELLED once confirmed)
 *   READY_FOR_FULFILMENT ─refundOrder()─▶ CANCELLED
 *   READY_FOR_FULFILMENT ─vendors fulfil─▶ FULFILLING ─▶ SHIPPED ─▶ DELIVERED (see fulfilment.ts)
 */
import {
  applyFulfilment,
  initialParcels,
  isFulfilmentEvent,
  type FulfilmentEvent,
  type VendorParcel,
} from "./fulfilment.ts";

/** Units of one product held in one warehouse for an order (the vendor shard's reservation). */
export interface StockAllocation {
  productId: string;
  /** The variant's rows the units came from; absent for the product's own stock. */
  variantId?: string;
  warehouseId: string;
  quantity: number;
}

export type OrderStatus =
  | "PENDING"
  | "STOCK_RESERVED"
  | "PAYMENT_AUTHORIZED"
  | "CONFIRMED"
  | "CAPTURED"
  | "READY_FOR_FULFILMENT"
  | "FULFILLING"
  | "SHIPPED"
  | "DELIVERED"
  | "COMPENSATING"
  | "FAILED"
  | "CANCELLED";

/**
 * States where the checkout saga has nothing left to run. Fulfilment goes on from
 * READY_FOR_FULFILMENT driven by vendors and the carrier; DELIVERED ends the order itself.
 */
export const TERMINAL_STATUSES: readonly OrderStatus[] = [
  "READY_FOR_FULFILMENT",
  "FULFILLING",
  "SHIPPED",
  "DELIVERED",
  "FAILED",
  "CANCELLED",
];

export const SAGA_STEPS = [
  "reserve-stock",
  "authorize-payment",
  "confirm-order",
  "capture-payment",
  "commit-stock",
  "compensate",
] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];

/** The step that moves an order on from `status`; null for terminal states. */
export function nextStep(status: OrderStatus): SagaStep | null {
  switch (status) {
    case "PENDING":
      return "reserve-stock";
    case "STOCK_RESERVED":
      return "authorize-payment";
    case "PAYMENT_AUTHORIZED":
      return "confirm-order";
    case "CONFIRMED":
      return "capture-payment";
    case "CAPTURED":
      return "commit-stock";
    case "COMPENSATING":
      return "compensate";
    default:
      return null;
  }
}

export interface OrderItem {
  vendorId: string;
  productId: string;
  /** The variant bought (size, colour); absent when the product is sold without one. */
  variantId?: string;
  quantity: number;
  unitPriceCents: number;
}

/** Where the order goes; stored with the order so vendors can ship it. */
export interface ShippingAddress {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

/** The shipping option chosen for one vendor's parcel, priced when the order was placed. */
export interface ShippingChoice {
  vendorId: string;
  optionId: string;
  priceCents: number;
}

export type FailureReason =
  | "out_of_stock"
  | "payment_declined"
  | "payment_unavailable"
  | "payment_timeout"
  | "capture_failed";

export type Compensation = "release-stock" | "void-payment" | "void-unverified";

export type OrderEvent =
  | {
      type: "OrderPlaced";
      payload: {
        userId: string;
        items: OrderItem[];
        totalCents: number;
        currency: string;
        idempotencyKey: string;
        // The provider's token from its hosted card step: Agora never sees or stores the card.
        paymentMethod: { id: string };
        /** Absent on orders placed without a shipping step (tests, older orders). */
        shipping?: ShippingChoice[];
        /** Plaintext: orders placed before addresses were sealed (cleared by an erasure). */
        address?: ShippingAddress;
        /** The address sealed under the shopper's data key (customer-address.ts). */
        addressSealed?: string;
        /** The region whose storefront took the order (absent on older orders: eu). */
        placedIn?: string;
        /**
         * "outbox": the placing region could not queue the saga's first step where the saga
         * workers run (outside the core region), so the core region starts it from this event.
         */
        sagaStart?: "outbox";
      };
    }
  | {
      type: "StockReserved";
      payload: { vendors: { vendorId: string; allocations: StockAllocation[] }[] };
    }
  | { type: "PaymentAuthorized"; payload: { paymentId: string; amountCents: number } }
  | { type: "OrderConfirmed"; payload: Record<string, never> }
  | {
      type: "PaymentCaptured";
      payload: { paymentId: string; amountCents: number; ledgerTransactionId: string };
    }
  | { type: "StockCommitted"; payload: { vendorIds: string[] } }
  | { type: "OrderReadyForFulfilment"; payload: Record<string, never> }
  | {
      type: "CompensationStarted";
      payload: { reason: FailureReason; detail: string; failedStep: SagaStep };
    }
  | { type: "StockReleased"; payload: { vendorIds: string[] } }
  | { type: "PaymentVoided"; payload: { paymentId: string } }
  | {
      type: "OrderFailed";
      payload: { reason: FailureReason; detail: string; compensations: Compensation[] };
    }
  | {
      type: "PaymentRefunded";
      payload: {
        paymentId: string;
        refundId: string;
        amountCents: number;
        ledgerTransactionId: string;
      };
    }
  | {
      type: "OrderCancelled";
      payload: { reason: string; detail: string; compensations: Compensation[] };
    }
  | FulfilmentEvent;

export type OrderEventType = OrderEvent["type"];

export interface OrderState {
  id: string;
  version: number;
  status: OrderStatus;
  placed: Extract<OrderEvent, { type: "OrderPlaced" }>["payload"];
  paymentId: string | null;
  captured: boolean;
  confirmed: boolean;
  failure: { reason: FailureReason; detail: string; failedStep: SagaStep } | null;
  ledgerTransactionId: string | null;
  /** Per-vendor fulfilment, keyed by vendor id. */
  parcels: Record<string, VendorParcel>;
}

const STATUS_AFTER: Partial<Record<OrderEventType, OrderStatus>> = {
  OrderPlaced: "PENDING",
  StockReserved: "STOCK_RESERVED",
  PaymentAuthorized: "PAYMENT_AUTHORIZED",
  OrderConfirmed: "CONFIRMED",
  PaymentCaptured: "CAPTURED",
  OrderReadyForFulfilment: "READY_FOR_FULFILMENT",
  CompensationStarted: "COMPENSATING",
  OrderFailed: "FAILED",
  OrderCancelled: "CANCELLED",
};

/** Folds one event into the state (the first event must be OrderPlaced). */
export function apply(
  state: OrderState | null,
  orderId: string,
  version: number,
  e: OrderEvent,
): OrderState {
  if (e.type === "OrderPlaced") {
    return {
      id: orderId,
      version,
      status: "PENDING",
      placed: e.payload,
      paymentId: null,
      captured: false,
      confirmed: false,
      failure: null,
      ledgerTransactionId: null,
      parcels: initialParcels(e.payload.items, e.payload.shipping),
    };
  }
  if (!state) throw new Error(`order ${orderId}: first event is ${e.type}, not OrderPlaced`);
  const next: OrderState = { ...state, version, status: STATUS_AFTER[e.type] ?? state.status };
  if (isFulfilmentEvent(e)) return applyFulfilment(state, next, e);
  if (e.type === "PaymentAuthorized") next.paymentId = e.payload.paymentId;
  if (e.type === "OrderConfirmed") next.confirmed = true;
  if (e.type === "PaymentCaptured") {
    next.captured = true;
    next.ledgerTransactionId = e.payload.ledgerTransactionId;
  }
  if (e.type === "CompensationStarted") next.failure = e.payload;
  return next;
}

/** Per-vendor view of the order lines. */
export function linesByVendor(items: OrderItem[]): Map<string, OrderItem[]> {
  const m = new Map<string, OrderItem[]>();
  for (const it of items) m.set(it.vendorId, [...(m.get(it.vendorId) ?? []), it]);
  return m;
}
