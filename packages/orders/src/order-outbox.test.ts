import { describe, expect, it } from "vitest";
import { apply, type OrderEvent, type OrderState } from "./events.ts";
import { orderOutboxPayload, sagaHandOff } from "./order-outbox.ts";

const V1 = "00000000-0000-4000-8000-000000000001";
const V2 = "00000000-0000-4000-8000-000000000002";
const placed: OrderEvent = {
  type: "OrderPlaced",
  payload: {
    userId: "user-1",
    items: [
      { vendorId: V2, productId: "p2", quantity: 1, unitPriceCents: 505 },
      { vendorId: V1, productId: "p1", quantity: 2, unitPriceCents: 1999 },
    ],
    totalCents: 4503,
    currency: "EUR",
    idempotencyKey: "secret-key-1",
    paymentMethod: { id: "pm_abcdef123456" },
    shipping: [{ vendorId: V1, optionId: "standard", priceCents: 490 }],
    address: {
      name: "A Shopper",
      line1: "1 Main St",
      city: "Berlin",
      postalCode: "10115",
      country: "DE",
    },
  },
};

describe("order outbox payload", () => {
  const at = new Date("2026-01-02T03:04:05.000Z");
  const state = apply(null, "order-1", 1, placed);

  it("carries the contract fields with the version and status the event led to", () => {
    expect(orderOutboxPayload(state, placed, at)).toEqual({
      orderId: "order-1",
      userId: "user-1",
      version: 1,
      type: "OrderPlaced",
      status: "PENDING",
      at: "2026-01-02T03:04:05.000Z",
      vendorIds: [V1, V2],
      detail: { totalCents: 4503, currency: "EUR", itemCount: 3 },
    });
  });

  it("never includes the payment method, the address or the idempotency key", () => {
    const text = JSON.stringify(orderOutboxPayload(state, placed, at));
    for (const secret of ["pm_abcdef123456", "1 Main St", "secret-key-1", "paymentMethod"])
      expect(text).not.toContain(secret);
  });

  it("reports a failure's reason and compensations", () => {
    const failed: OrderEvent = {
      type: "OrderFailed",
      payload: {
        reason: "payment_declined",
        detail: "card_declined",
        compensations: ["release-stock"],
      },
    };
    const after: OrderState = apply(state, "order-1", 2, failed);
    expect(orderOutboxPayload(after, failed, at)).toMatchObject({
      version: 2,
      status: "FAILED",
      detail: {
        reason: "payment_declined",
        detail: "card_declined",
        compensations: ["release-stock"],
      },
    });
  });

  it("hands an order taken outside the core region to the core region's saga workers, and no other", () => {
    const fromUs: OrderEvent = {
      type: "OrderPlaced",
      payload: { ...(placed.payload as object), placedIn: "us", sagaStart: "outbox" } as never,
    };
    const orderId = "6f1c2a8e-1c7b-4b8e-9d0a-1a2b3c4d5e6f";
    const usPayload = orderOutboxPayload(apply(null, orderId, 1, fromUs), fromUs, at);
    expect(usPayload.detail).toMatchObject({ placedIn: "us", sagaStart: "outbox" });
    expect(sagaHandOff(usPayload)).toEqual({ orderId });

    // An order placed in the core region: its storefront queued the saga itself.
    const fromEu: OrderEvent = { type: "OrderPlaced", payload: { ...(placed.payload as object), placedIn: "eu" } as never };
    expect(sagaHandOff(orderOutboxPayload(apply(null, orderId, 1, fromEu), fromEu, at))).toBeNull();
    // Later events of a us order are not hand-offs either.
    const failed: OrderEvent = { type: "OrderFailed", payload: { reason: "payment_declined", detail: "x", compensations: [] } };
    const after = apply(apply(null, orderId, 1, fromUs), orderId, 2, failed);
    expect(sagaHandOff(orderOutboxPayload(after, failed, at))).toBeNull();
  });
});
