import { describe, expect, it } from "vitest";
import { timelineOf } from "./order-timeline.ts";

const at = new Date("2026-01-01T00:00:00Z");
const placed = {
  version: 1,
  type: "OrderPlaced",
  createdAt: at,
  payload: {
    userId: "u",
    items: [{ vendorId: "v", productId: "p", quantity: 1, unitPriceCents: 100 }],
    totalCents: 100,
    currency: "EUR",
    idempotencyKey: "k",
    paymentMethod: { id: "pm_abcdef123456" },
  },
};

describe("order timeline", () => {
  it("gives each event the status it led to and the failure with what was compensated", () => {
    const { timeline, failure } = timelineOf("o", [
      placed,
      { version: 2, type: "StockReserved", createdAt: at, payload: { vendors: [] } },
      {
        version: 3,
        type: "CompensationStarted",
        createdAt: at,
        payload: {
          reason: "payment_declined",
          detail: "card_declined",
          failedStep: "authorize-payment",
        },
      },
      { version: 4, type: "StockReleased", createdAt: at, payload: { vendorIds: ["v"] } },
      {
        version: 5,
        type: "OrderFailed",
        createdAt: at,
        payload: {
          reason: "payment_declined",
          detail: "card_declined",
          compensations: ["release-stock"],
        },
      },
    ]);
    expect(timeline.map((t) => [t.version, t.type, t.status])).toEqual([
      [1, "OrderPlaced", "PENDING"],
      [2, "StockReserved", "STOCK_RESERVED"],
      [3, "CompensationStarted", "COMPENSATING"],
      [4, "StockReleased", "COMPENSATING"],
      [5, "OrderFailed", "FAILED"],
    ]);
    expect(failure).toEqual({
      reason: "payment_declined",
      detail: "card_declined",
      compensations: ["release-stock"],
    });
    expect(JSON.stringify(timeline)).not.toContain("pm_abcdef123456");
  });

  it("has no failure for an order that went well", () => {
    expect(timelineOf("o", [placed]).failure).toBeNull();
  });
});
