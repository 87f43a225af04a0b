import { describe, expect, it } from "vitest";
import { eventDeltas, MalformedOrderStreamError, type StoredOrderEvent } from "./sale-effects.ts";

const V1 = "00000000-0000-4000-8000-0000000000a1";
const V2 = "00000000-0000-4000-8000-0000000000b2";
const P1 = "10000000-0000-4000-8000-000000000001";
const P2 = "10000000-0000-4000-8000-000000000002";
const P3 = "10000000-0000-4000-8000-000000000003";
const T = new Date("2026-11-27T10:15:00Z");

function stream(...rest: Array<Pick<StoredOrderEvent, "type" | "payload">>): StoredOrderEvent[] {
  const placed = {
    type: "OrderPlaced",
    payload: {
      items: [
        { vendorId: V1, productId: P2, quantity: 2, unitPriceCents: 1500 },
        { vendorId: V1, productId: P1, quantity: 1, unitPriceCents: 999 },
        { vendorId: V2, productId: P3, quantity: 3, unitPriceCents: 200 },
        { vendorId: V1, productId: P2, quantity: 1, unitPriceCents: 1500 },
      ],
      shipping: [
        { vendorId: V1, priceCents: 490 },
        { vendorId: V2, priceCents: 0 },
      ],
    },
  };
  return [placed, ...rest].map((e, i) => ({ ...e, version: i + 1, createdAt: T }));
}

const captured = { type: "PaymentCaptured", payload: { amountCents: 6089 } };
const sum = (ds: ReturnType<typeof eventDeltas>, k: "revenueCents" | "refundCents") =>
  ds.reduce((n, d) => n + d[k], 0);

describe("eventDeltas", () => {
  it("counts a capture per vendor and product, shipping and one order on the vendor's row", () => {
    const d = eventDeltas(stream(captured), 2);
    expect(d).toEqual([
      expect.objectContaining({
        vendorId: V1,
        productId: P1,
        revenueCents: 999,
        units: 1,
        orders: 1,
      }),
      expect.objectContaining({
        vendorId: V1,
        productId: P2,
        revenueCents: 4500,
        units: 3,
        orders: 1,
      }),
      expect.objectContaining({
        vendorId: V1,
        productId: null,
        revenueCents: 490,
        units: 0,
        orders: 1,
      }),
      expect.objectContaining({
        vendorId: V2,
        productId: P3,
        revenueCents: 600,
        units: 3,
        orders: 1,
      }),
      expect.objectContaining({ vendorId: V2, productId: null, revenueCents: 0, orders: 1 }),
    ]);
    expect(sum(d, "revenueCents")).toBe(6589);
    expect(d.every((x) => x.at === T)).toBe(true);
  });

  it("counts nothing for events that move no money", () => {
    const s = stream({ type: "StockReserved", payload: {} }, captured);
    expect(eventDeltas(s, 2)).toEqual([]);
    expect(eventDeltas(s, 1)).toEqual([]);
  });

  it("refunds the whole sale once for a refund followed by the cancellation", () => {
    const s = stream(
      captured,
      { type: "PaymentRefunded", payload: { amountCents: 6589 } },
      { type: "OrderCancelled", payload: { reason: "refunded" } },
    );
    const refund = eventDeltas(s, 3);
    expect(sum(refund, "refundCents")).toBe(6589);
    expect(refund.find((d) => d.productId === P2)?.refundCents).toBe(4500);
    expect(eventDeltas(s, 4)).toEqual([]);
  });

  it("ignores a cancellation of an order that was never captured", () => {
    const s = stream({ type: "OrderCancelled", payload: { reason: "payment_declined" } });
    expect(eventDeltas(s, 2)).toEqual([]);
  });

  it("puts a vendor's partial refund on its own row and refunds only the rest on a full refund", () => {
    const s = stream(
      captured,
      { type: "VendorRefunded", payload: { vendorId: V1, refundId: "r1", amountCents: 1000 } },
      { type: "PaymentRefunded", payload: { amountCents: 5589 } },
    );
    expect(eventDeltas(s, 3)).toEqual([
      expect.objectContaining({ vendorId: V1, productId: null, refundCents: 1000 }),
    ]);
    const full = eventDeltas(s, 4);
    expect(
      sum(
        full.filter((d) => d.vendorId === V1),
        "refundCents",
      ),
    ).toBe(5989 - 1000);
    expect(
      sum(
        full.filter((d) => d.vendorId === V2),
        "refundCents",
      ),
    ).toBe(600);
    // Products take the rest first (P1 999, P2 3990), so nothing is left for V1's shipping.
    expect(full.filter((d) => d.vendorId === V1).map((d) => [d.productId, d.refundCents])).toEqual([
      [P1, 999],
      [P2, 3990],
    ]);
  });

  it("refunds nothing more after a full refund", () => {
    const s = stream(
      captured,
      { type: "PaymentRefunded", payload: { amountCents: 6589 } },
      { type: "VendorRefunded", payload: { vendorId: V2, amountCents: 100 } },
    );
    expect(eventDeltas(s, 4)).toEqual([]);
  });

  it("refuses a stream without its OrderPlaced event", () => {
    const s = stream(captured).slice(1);
    expect(() => eventDeltas(s, 2)).toThrow(MalformedOrderStreamError);
  });
});
