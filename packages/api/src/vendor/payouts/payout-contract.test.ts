import { describe, expect, it } from "vitest";
import { DAY_MS, payoutPeriodEnd, settleVendorJobSchema, toBalances } from "./payout-contract.ts";

describe("payout periods", () => {
  it("closes the UTC day a settlement runs in, whatever the time of day", () => {
    expect(payoutPeriodEnd(new Date("2026-11-27T00:00:00.000Z"), DAY_MS).toISOString()).toBe(
      "2026-11-28T00:00:00.000Z",
    );
    expect(payoutPeriodEnd(new Date("2026-11-27T23:59:59.999Z"), DAY_MS).toISOString()).toBe(
      "2026-11-28T00:00:00.000Z",
    );
  });

  it("gives two runs in the same period the same period end, and the next period a later one", () => {
    const hour = 3_600_000;
    const a = payoutPeriodEnd(new Date("2026-11-27T10:05:00Z"), hour);
    const b = payoutPeriodEnd(new Date("2026-11-27T10:55:00Z"), hour);
    const c = payoutPeriodEnd(new Date("2026-11-27T11:00:00Z"), hour);
    expect(a.getTime()).toBe(b.getTime());
    expect(c.getTime()).toBe(a.getTime() + hour);
  });
});

describe("payable balances", () => {
  it("reads bigint, number and string sums (Prisma and pg) as cents", () => {
    expect(
      toBalances([
        { currency: "EUR", balance: 1234n },
        { currency: "GBP", balance: "-50" },
        { currency: "USD", balance: 0 },
      ]),
    ).toEqual([
      { currency: "EUR", balanceCents: 1234 },
      { currency: "GBP", balanceCents: -50 },
      { currency: "USD", balanceCents: 0 },
    ]);
  });
});

describe("settle-vendor job data", () => {
  it("accepts a vendor uuid and refuses anything else", () => {
    expect(
      settleVendorJobSchema.safeParse({ vendorId: "00000000-0000-4000-8000-00000000000a" }).success,
    ).toBe(true);
    expect(settleVendorJobSchema.safeParse({ vendorId: "acme" }).success).toBe(false);
  });
});
