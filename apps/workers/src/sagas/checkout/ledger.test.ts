import { describe, expect, it } from "vitest";
import { captureLegs, reverseLegs, vendorRefundLegs } from "./ledger.ts";

const V1 = "00000000-0000-4000-8000-000000000001";
const V2 = "00000000-0000-4000-8000-000000000002";
const items = [
  { vendorId: V1, productId: "p1", quantity: 2, unitPriceCents: 1999 },
  { vendorId: V2, productId: "p2", quantity: 1, unitPriceCents: 505 },
];

describe("capture ledger legs", () => {
  const signed = (legs: ReturnType<typeof captureLegs>) =>
    legs.reduce((sum, l) => sum + (l.direction === "debit" ? l.amountCents : -l.amountCents), 0);

  it("balances: clearing = vendor payables + platform fee, and the refund mirrors it", () => {
    const legs = captureLegs(items);
    expect(signed(legs)).toBe(0);
    expect(legs.find((l) => l.code === "payment-clearing")?.amountCents).toBe(4503);
    expect(legs.find((l) => l.code === "platform-fee-revenue")?.amountCents).toBe(400 + 51);
    expect(signed(reverseLegs(legs))).toBe(0);
  });

  it("passes each vendor's shipping to its payable without a fee, so the capture still balances", () => {
    const legs = captureLegs(items, [
      { vendorId: V1, optionId: "express", priceCents: 1290 },
      { vendorId: V2, optionId: "standard", priceCents: 490 },
    ]);
    expect(signed(legs)).toBe(0);
    expect(legs.find((l) => l.code === "payment-clearing")?.amountCents).toBe(4503 + 1290 + 490);
    expect(legs.find((l) => l.code === "platform-fee-revenue")?.amountCents).toBe(400 + 51);
    expect(legs.find((l) => l.code === `vendor-payable:${V1}`)?.amountCents).toBe(
      3998 - 400 + 1290,
    );
  });

  it("refunds a vendor's share in parts that together mirror its part of the capture", () => {
    const shipping = [{ vendorId: V1, optionId: "express", priceCents: 1290 }];
    const share = 3998 + 1290;
    const parts = [1000, 333, share - 1333];
    const legs = parts.map((amount, i) =>
      vendorRefundLegs(
        items,
        shipping,
        V1,
        parts.slice(0, i).reduce((a, b) => a + b, 0),
        amount,
      ),
    );
    for (const l of legs) expect(signed(l)).toBe(0);
    const total = (code: string) =>
      legs
        .flat()
        .filter((l) => l.code === code)
        .reduce((s, l) => s + l.amountCents, 0);
    const capture = captureLegs(items, shipping);
    expect(total("payment-clearing")).toBe(share);
    expect(total("platform-fee-revenue")).toBe(400);
    expect(total(`vendor-payable:${V1}`)).toBe(
      capture.find((l) => l.code === `vendor-payable:${V1}`)?.amountCents,
    );
  });
});
