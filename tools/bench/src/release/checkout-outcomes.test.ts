import { describe, expect, it } from "vitest";
import { BenchHttpError } from "../journeys/http-client.ts";
import { OrderNotReadyError } from "../journeys/shopper.ts";
import {
  type CheckoutCounts,
  type CheckoutEvent,
  classifyCheckoutError,
  countCheckouts,
  type OrderFailure,
} from "./checkout-outcomes.ts";

const ORDER = "0b9f4d2e-6f55-4c1b-9d53-7a1d2c3e4f50";
const failureOf = (failure: OrderFailure) => async () => failure;
const unreadable = async (): Promise<OrderFailure> => {
  throw new BenchHttpError("orders.get: HTTP 503", 503);
};

describe("classifyCheckoutError", () => {
  it("counts an order the product failed with out_of_stock apart, not as a failed checkout", async () => {
    const reads: string[] = [];
    const r = await classifyCheckoutError(new OrderNotReadyError(ORDER, "FAILED"), async (orderId) => {
      reads.push(orderId);
      return { reason: "out_of_stock", detail: "product p-1 of vendor v-1 is out of stock" };
    });
    expect(r.outcome).toBe("outOfStock");
    expect(r.error).toContain("is out of stock");
    expect(reads).toEqual([ORDER]);
  });

  it("counts an order that failed for any other reason as a failed checkout, naming the reason", async () => {
    const r = await classifyCheckoutError(
      new OrderNotReadyError(ORDER, "FAILED"),
      failureOf({ reason: "payment_declined", detail: "card declined" }),
    );
    expect(r).toEqual({ outcome: "failed", error: `order ${ORDER} ended FAILED: payment_declined (card declined)` });
  });

  it("counts a FAILED order whose reason could not be read as failed, never guessing out of stock", async () => {
    const r = await classifyCheckoutError(new OrderNotReadyError(ORDER, "FAILED"), unreadable);
    expect(r.outcome).toBe("failed");
    expect(r.error).toContain("its reason could not be read: orders.get: HTTP 503");
    expect((await classifyCheckoutError(new OrderNotReadyError(ORDER, "FAILED"), failureOf(null))).outcome).toBe("failed");
  });

  it("counts a refused placement, a cancelled order and an order late past its bound as failed without asking for a reason", async () => {
    const asked = async (): Promise<OrderFailure> => {
      throw new Error("must not be asked");
    };
    for (const err of [
      new BenchHttpError("checkout.place: HTTP 409 CONFLICT the cart is empty", 409),
      new OrderNotReadyError(ORDER, "CANCELLED"),
      new OrderNotReadyError(ORDER, "not ready at the deadline"),
    ])
      expect(await classifyCheckoutError(err, asked)).toEqual({ outcome: "failed", error: err.message });
  });
});

describe("countCheckouts", () => {
  it("adds each outcome to its own count and keeps only the failed checkouts' errors", () => {
    const events: CheckoutEvent[] = [
      { at: 1, outcome: "ready" },
      { at: 2, outcome: "outOfStock", error: "order 1 of its account: out of stock" },
      { at: 3, outcome: "failed", error: "order 2 of its account: socket hang up" },
      { at: 4, outcome: "outOfStock", error: "order 3 of its account: out of stock" },
      { at: 5, outcome: "ready" },
    ];
    const window: CheckoutCounts & { errors: string[] } = { ready: 0, failed: 0, outOfStock: 0, errors: [] };
    countCheckouts(window, events);
    expect(window).toEqual({ ready: 2, failed: 1, outOfStock: 2, errors: ["order 2 of its account: socket hang up"] });

    const total: CheckoutCounts = { ready: 0, failed: 0, outOfStock: 0 };
    countCheckouts(total, events);
    countCheckouts(total, [{ at: 6, outcome: "failed", error: "x" }]);
    expect(total).toEqual({ ready: 2, failed: 2, outOfStock: 2 });
  });
});
