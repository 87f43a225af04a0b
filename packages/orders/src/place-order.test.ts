import { describe, expect, it } from "vitest";
import { placeOrderSchema } from "./place-order.ts";

const base = {
  idempotencyKey: "key-12345678",
  userId: "00000000-0000-4000-8000-000000000009",
  items: [
    {
      vendorId: "00000000-0000-4000-8000-000000000001",
      productId: "00000000-0000-4000-8000-000000000002",
      quantity: 1,
    },
  ],
};

describe("placement input", () => {
  it("accepts a payment method token", () => {
    expect(placeOrderSchema.parse({ ...base, paymentMethodId: "pm_0123456789ab" })).toMatchObject({
      paymentMethodId: "pm_0123456789ab",
      shipping: {},
    });
  });

  it("refuses raw card data: only a pm_ token can pay", () => {
    expect(
      placeOrderSchema.safeParse({ ...base, paymentMethodId: "4242424242424242" }).success,
    ).toBe(false);
    const withCard = placeOrderSchema.safeParse({
      ...base,
      paymentMethodId: "pm_0123456789ab",
      card: { number: "4242424242424242", expMonth: 1, expYear: 2040, cvc: "123" },
    });
    // The schema strips unknown keys, so a card can never reach the stored event.
    expect(withCard.success && "card" in withCard.data).toBe(false);
  });

  it("refuses an unknown shipping option", () => {
    expect(
      placeOrderSchema.safeParse({
        ...base,
        paymentMethodId: "pm_0123456789ab",
        shipping: { [base.items[0]?.vendorId ?? ""]: "teleport" },
      }).success,
    ).toBe(false);
  });
});
