import { describe, expect, it } from "vitest";
import { formatMoney, lowStockNotice, payoutNotice } from "./vendor-notice-text.ts";

describe("vendor notice texts", () => {
  it("names the product, what is left and the threshold, and links to the stock page", () => {
    expect(lowStockNotice({ title: "Lamp", available: 2, threshold: 5 })).toEqual({
      kind: "vendor_low_stock",
      title: "Low stock: Lamp",
      body: "Only 2 left (your threshold is 5). Restock it from the Stock page.",
      link: "/stock",
    });
    // Oversold rows never show a negative count.
    expect(lowStockNotice({ title: "Lamp", available: -1, threshold: 5 }).body).toMatch(
      /^Only 0 left/,
    );
  });

  it("formats payouts in their currency with the period's end date", () => {
    expect(formatMoney(123_456, "EUR")).toBe("€1,234.56");
    expect(formatMoney(5, "USD")).toBe("US$0.05");
    const notice = payoutNotice({
      payoutId: "8f0e2a4c-0c0e-4c55-9f1a-2b9f4c7d1e01",
      vendorId: "8f0e2a4c-0c0e-4c55-9f1a-2b9f4c7d1e02",
      amountCents: 9_900,
      currency: "GBP",
      periodEnd: "2026-11-30T23:59:59.000Z",
    });
    expect(notice).toMatchObject({
      kind: "vendor_payout",
      title: "Payout of £99.00 sent",
      link: "/payouts",
    });
    expect(notice.body).toContain("period ending 2026-11-30");
  });
});
