import { describe, expect, it } from "vitest";
import type { OrderState, OrderStatus } from "@agora/orders";
import type { ProviderRecord } from "../providers/provider-adapter.ts";
import { classify } from "./reconcile-payments.ts";

const record = (over: Partial<ProviderRecord> = {}): ProviderRecord => ({
  id: "psw_ch_1",
  orderId: "00000000-0000-4000-8000-000000000001",
  status: "authorized",
  amountCents: 5_000,
  capturedCents: 0,
  currency: "EUR",
  createdAt: new Date(0),
  ...over,
});
const order = (status: OrderStatus, paymentId: string | null, captured = false) =>
  ({ status, paymentId, captured, placed: { totalCents: 5_000 } }) as unknown as OrderState;
const ID = "payswift:psw_ch_1";
const kind = (r: ProviderRecord, o: OrderState | null) => classify(r, ID, o)?.kind ?? null;

describe("reconciliation classification", () => {
  it("voids a hold that no live order uses", () => {
    expect(kind(record(), null)).toBe("orphan_authorization");
    expect(kind(record(), order("FAILED", null))).toBe("orphan_authorization");
    expect(kind(record(), order("FAILED", ID))).toBe("orphan_authorization");
    expect(kind(record(), order("READY_FOR_FULFILMENT", "card_9", true))).toBe(
      "orphan_authorization",
    );
  });

  it("leaves a hold alone while its saga is still at work", () => {
    expect(kind(record(), order("STOCK_RESERVED", null))).toBeNull();
    expect(kind(record(), order("CONFIRMED", ID))).toBeNull();
  });

  it("refunds money captured for a failed order or beside the order's own payment", () => {
    const cap = record({ status: "captured", capturedCents: 5_000 });
    expect(kind(cap, null)).toBe("capture_without_order");
    expect(kind(cap, order("CANCELLED", ID))).toBe("capture_without_order");
    expect(kind(cap, order("READY_FOR_FULFILMENT", "pay_other", true))).toBe(
      "capture_without_order",
    );
    expect(kind(record({ status: "refunded", capturedCents: 5_000 }), null)).toBeNull();
  });

  it("records a capture the order never committed by re-running the capture step", () => {
    expect(kind(record({ status: "captured", capturedCents: 5_000 }), order("CONFIRMED", ID))).toBe(
      "capture_not_recorded",
    );
  });

  it("only reports what our books say against the provider's", () => {
    expect(kind(record(), order("READY_FOR_FULFILMENT", ID, true))).toBe(
      "ledger_capture_not_at_provider",
    );
    expect(
      kind(record({ status: "captured", capturedCents: 4_000 }), order("SHIPPED", ID, true)),
    ).toBe("amount_mismatch");
    expect(
      kind(record({ status: "captured", capturedCents: 5_000 }), order("SHIPPED", ID, true)),
    ).toBeNull();
  });
});
