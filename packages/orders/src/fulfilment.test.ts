import { describe, expect, it } from "vitest";
import { apply, type OrderEvent, type OrderState } from "./events.ts";
import { FulfilmentGuardError, fulfilmentFollowUps, refundableCents } from "./fulfilment.ts";
import { eventDetail } from "./order-outbox.ts";

const V1 = "00000000-0000-4000-8000-000000000001";
const V2 = "00000000-0000-4000-8000-000000000002";

const ready: OrderEvent[] = [
  {
    type: "OrderPlaced",
    payload: {
      userId: "u",
      items: [
        { vendorId: V1, productId: "p1", quantity: 2, unitPriceCents: 1000 },
        { vendorId: V2, productId: "p2", quantity: 1, unitPriceCents: 500 },
      ],
      totalCents: 3480,
      currency: "EUR",
      idempotencyKey: "k",
      paymentMethod: { id: "pm_test00000001" },
      shipping: [
        { vendorId: V1, optionId: "standard", priceCents: 490 },
        { vendorId: V2, optionId: "standard", priceCents: 490 },
      ],
    },
  },
  { type: "StockReserved", payload: { vendors: [] } },
  { type: "PaymentAuthorized", payload: { paymentId: "pay_1", amountCents: 3480 } },
  { type: "OrderConfirmed", payload: {} },
  {
    type: "PaymentCaptured",
    payload: { paymentId: "pay_1", amountCents: 3480, ledgerTransactionId: "t" },
  },
  { type: "StockCommitted", payload: { vendorIds: [V1, V2] } },
  { type: "OrderReadyForFulfilment", payload: {} },
];

/** Folds events onto `state` (or from scratch), like appendEvents does before it writes. */
function fold(events: OrderEvent[], state: OrderState | null = null): OrderState {
  let s = state;
  for (const e of events) s = apply(s, "o", (s?.version ?? 0) + 1, e);
  if (!s) throw new Error("no events");
  return s;
}

/** Appends events plus the order-level follow-ups they imply. */
function act(state: OrderState, events: OrderEvent[]): OrderState {
  const s = fold(events, state);
  return fold(fulfilmentFollowUps(s), s);
}

const accept = (vendorId: string): OrderEvent => ({
  type: "VendorOrderAccepted",
  payload: { vendorId },
});
const ship = (vendorId: string, trackingNumber = `TRK-${vendorId.slice(-1)}`): OrderEvent => ({
  type: "ShipmentCreated",
  payload: { vendorId, trackingNumber },
});
const progress = (vendorId: string, carrierStatus: string, sequence: number): OrderEvent => ({
  type: "ShipmentProgressed",
  payload: { vendorId, trackingNumber: `TRK-${vendorId.slice(-1)}`, carrierStatus, sequence },
});
const delivered = (vendorId: string): OrderEvent => ({
  type: "ShipmentDelivered",
  payload: { vendorId, trackingNumber: `TRK-${vendorId.slice(-1)}` },
});
const requestRefund = (vendorId: string, amountCents: number, cancel = false): OrderEvent => ({
  type: "VendorRefundRequested",
  payload: { vendorId, requestId: `r-${amountCents}`, amountCents, reason: "damaged", cancel },
});
const refunded = (vendorId: string, amountCents: number): OrderEvent => ({
  type: "VendorRefunded",
  payload: {
    vendorId,
    refundId: `re_${amountCents}`,
    amountCents,
    ledgerTransactionId: "lt",
    reason: "damaged",
  },
});

describe("vendor fulfilment fold", () => {
  it("gives each vendor a parcel whose share is its lines plus its shipping", () => {
    const s = fold(ready);
    expect(s.status).toBe("READY_FOR_FULFILMENT");
    expect(s.parcels[V1]).toMatchObject({ status: "AWAITING", shareCents: 2490, refundedCents: 0 });
    expect(s.parcels[V2]?.shareCents).toBe(990);
  });

  it("walks both parcels to DELIVERED: FULFILLING, then SHIPPED once all shipped, then DELIVERED", () => {
    let s = act(fold(ready), [accept(V1)]);
    expect(s.status).toBe("FULFILLING");
    s = act(s, [{ type: "VendorOrderPacked", payload: { vendorId: V1 } }, ship(V1)]);
    expect(s.status).toBe("FULFILLING");
    s = act(s, [accept(V2), ship(V2)]);
    expect(s.status).toBe("SHIPPED");
    s = act(s, [progress(V1, "in_transit", 3), delivered(V1)]);
    expect(s.status).toBe("SHIPPED");
    s = act(s, [delivered(V2)]);
    expect(s.status).toBe("DELIVERED");
    expect(s.parcels[V1]).toMatchObject({
      status: "DELIVERED",
      trackingNumber: "TRK-1",
      carrierStatus: "delivered",
    });
  });

  it("refuses to ship before the vendor accepted", () => {
    expect(() => fold([ship(V1)], fold(ready))).toThrow(FulfilmentGuardError);
  });

  it("refuses fulfilment before the order is ready (payment not captured)", () => {
    expect(() => fold([accept(V1)], fold(ready.slice(0, 4)))).toThrow(
      /while the order is CONFIRMED/,
    );
  });

  it("refuses to cancel a parcel that has shipped", () => {
    const shipped = act(fold(ready), [accept(V1), ship(V1)]);
    expect(() => fold([requestRefund(V1, 2490, true)], shipped)).toThrow(/cannot cancel/);
  });

  it("drops stale and repeated carrier updates (sequence must grow)", () => {
    const s = act(fold(ready), [accept(V1), ship(V1), progress(V1, "in_transit", 3)]);
    expect(() => fold([progress(V1, "picked_up", 2)], s)).toThrow(/stale/);
    expect(() => fold([progress(V1, "in_transit", 3)], s)).toThrow(/stale/);
  });

  it("caps refunds at what is left of the vendor's share, shipping included", () => {
    let s = act(fold(ready), [requestRefund(V2, 600)]);
    s = act(s, [refunded(V2, 600)]);
    expect(refundableCents(s.parcels[V2]!)).toBe(390);
    expect(() => fold([requestRefund(V2, 391)], s)).toThrow(/exceeds the 390 left/);
    s = act(s, [requestRefund(V2, 390), refunded(V2, 390)]);
    expect(s.parcels[V2]?.refundedCents).toBe(990);
  });

  it("allows one refund request per vendor at a time", () => {
    const s = act(fold(ready), [requestRefund(V1, 100)]);
    expect(() => fold([requestRefund(V1, 50)], s)).toThrow(/still in progress/);
  });

  it("cancels a parcel only after its refund, and CANCELS the order when every vendor cancelled", () => {
    let s = act(fold(ready), [requestRefund(V1, 2490, true)]);
    const cancelled: OrderEvent = {
      type: "VendorOrderCancelled",
      payload: { vendorId: V1, reason: "out of stock", refundedCents: 2490, restocked: true },
    };
    expect(() => fold([cancelled], s)).toThrow(/before its refund/);
    s = act(s, [refunded(V1, 2490), cancelled]);
    expect(s.parcels[V1]?.status).toBe("CANCELLED");
    expect(s.status).toBe("FULFILLING");
    s = act(s, [
      requestRefund(V2, 990, true),
      refunded(V2, 990),
      {
        type: "VendorOrderCancelled",
        payload: { vendorId: V2, reason: "x", refundedCents: 990, restocked: true },
      },
    ]);
    expect(s.status).toBe("CANCELLED");
  });

  it("delivers the order when the only live parcel is delivered and the other was cancelled", () => {
    let s = act(fold(ready), [
      requestRefund(V2, 990, true),
      refunded(V2, 990),
      {
        type: "VendorOrderCancelled",
        payload: { vendorId: V2, reason: "x", refundedCents: 990, restocked: true },
      },
      accept(V1),
      ship(V1),
    ]);
    expect(s.status).toBe("SHIPPED");
    s = act(s, [delivered(V1)]);
    expect(s.status).toBe("DELIVERED");
    // A return after delivery is still refundable; a new shipment is not.
    expect(() => fold([requestRefund(V1, 100)], s)).not.toThrow();
    expect(() => fold([accept(V1)], s)).toThrow(FulfilmentGuardError);
  });

  it("publishes only public facts of fulfilment events", () => {
    expect(eventDetail(refunded(V1, 100))).toEqual({
      vendorId: V1,
      amountCents: 100,
      reason: "damaged",
    });
    expect(eventDetail(progress(V1, "in_transit", 3))).toEqual({
      vendorId: V1,
      trackingNumber: "TRK-1",
      carrierStatus: "in_transit",
    });
  });
});
