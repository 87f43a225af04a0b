import { describe, expect, it } from "vitest";
import { apply, nextStep, TERMINAL_STATUSES, type OrderEvent, type OrderState } from "./events.ts";

const V1 = "00000000-0000-4000-8000-000000000001";
const V2 = "00000000-0000-4000-8000-000000000002";
const items = [
  { vendorId: V1, productId: "p1", quantity: 2, unitPriceCents: 1999 },
  { vendorId: V2, productId: "p2", quantity: 1, unitPriceCents: 505 },
];
const placed: OrderEvent = {
  type: "OrderPlaced",
  payload: {
    userId: "u",
    items,
    totalCents: 4503,
    currency: "EUR",
    idempotencyKey: "k",
    paymentMethod: { id: "pm_test00000001" },
  },
};

function fold(events: OrderEvent[]): OrderState {
  let s: OrderState | null = null;
  for (const [i, e] of events.entries()) s = apply(s, "o", i + 1, e);
  if (!s) throw new Error("no events");
  return s;
}

describe("checkout saga state machine", () => {
  it("walks the happy path to READY_FOR_FULFILMENT and stops there", () => {
    const s = fold([
      placed,
      { type: "StockReserved", payload: { vendors: [] } },
      { type: "PaymentAuthorized", payload: { paymentId: "pay_1", amountCents: 4503 } },
      { type: "OrderConfirmed", payload: {} },
      {
        type: "PaymentCaptured",
        payload: { paymentId: "pay_1", amountCents: 4503, ledgerTransactionId: "t" },
      },
      { type: "StockCommitted", payload: { vendorIds: [V1, V2] } },
      { type: "OrderReadyForFulfilment", payload: {} },
    ]);
    expect(s).toMatchObject({
      status: "READY_FOR_FULFILMENT",
      version: 7,
      paymentId: "pay_1",
      captured: true,
    });
    expect(nextStep(s.status)).toBeNull();
  });

  it("routes every failure through compensate and every non-terminal status to exactly one step", () => {
    const s = fold([
      placed,
      { type: "StockReserved", payload: { vendors: [] } },
      {
        type: "CompensationStarted",
        payload: {
          reason: "payment_declined",
          detail: "card_declined",
          failedStep: "authorize-payment",
        },
      },
    ]);
    expect(nextStep(s.status)).toBe("compensate");
    for (const status of [
      "PENDING",
      "STOCK_RESERVED",
      "PAYMENT_AUTHORIZED",
      "CONFIRMED",
      "CAPTURED",
      "COMPENSATING",
    ] as const)
      expect(nextStep(status)).not.toBeNull();
    for (const status of TERMINAL_STATUSES) expect(nextStep(status)).toBeNull();
  });

  it("refuses a stream that does not start with OrderPlaced", () => {
    expect(() => apply(null, "o", 1, { type: "OrderConfirmed", payload: {} })).toThrow(
      /OrderPlaced/,
    );
  });
});
