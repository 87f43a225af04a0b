import { describe, expect, it } from "vitest";
import { vendorTimeline } from "./read-vendor-orders.ts";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const at = new Date("2026-01-01T00:00:00Z");
const entry = (version: number, type: string, detail: Record<string, unknown>) => ({
  version,
  type,
  status: "CONFIRMED",
  at,
  detail,
});

describe("a vendor's order timeline", () => {
  it("keeps the vendor's own entries and the order-wide steps, without the whole order's figures or the other vendors", () => {
    const timeline = vendorTimeline(
      [
        entry(1, "OrderPlaced", { totalCents: 9_900, currency: "EUR", itemCount: 5 }),
        entry(2, "StockReserved", { vendorIds: [A, B] }),
        entry(3, "PaymentCaptured", { amountCents: 9_900 }),
        entry(4, "VendorOrderAccepted", { vendorId: A }),
        entry(5, "VendorOrderAccepted", { vendorId: B }),
      ],
      A,
    );
    expect(timeline.map((t) => t.type)).toEqual([
      "OrderPlaced",
      "StockReserved",
      "PaymentCaptured",
      "VendorOrderAccepted",
    ]);
    expect(timeline.slice(0, 3).map((t) => t.detail)).toEqual([{}, {}, {}]);
    expect(timeline[3]?.detail).toEqual({ vendorId: A });
    expect(JSON.stringify(timeline)).not.toContain(B);
  });
});
