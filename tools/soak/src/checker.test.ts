import { describe, expect, it } from "vitest";
import { checkHistory, type FinalState } from "./checker.ts";
import { type HistoryEvent, historySlice } from "./history.ts";

/** Builds a history from [process, type, f, value] rows; an op's completion names the invoke's row. */
function history(rows: [op: number, process: string, type: HistoryEvent["type"], f: HistoryEvent["f"], value: Record<string, unknown>][]): HistoryEvent[] {
  return rows.map(([op, process, type, f, value], index) => ({ index, op, process, type, f, value, time: index, round: 0 }));
}

function state(over: Partial<FinalState> = {}): FinalState {
  return {
    skus: [{ sku: "A", initialOnHand: 2, onHand: 0, reserved: 0, soldUnits: 2 }],
    orders: new Map([
      ["o1", { status: "READY_FOR_FULFILMENT", version: 6 }],
      ["o2", { status: "READY_FOR_FULFILMENT", version: 6 }],
    ]),
    movementNotes: new Set(["adj-1"]),
    captures: new Map([["o1", 1], ["o2", 1]]),
    payouts: new Map([["p1", "committed"]]),
    database: [{ name: "ledger balanced", ok: true, detail: "0" }],
    ...over,
  };
}

const clean = history([
  [0, "shopper-1", "invoke", "checkout", { sku: "A" }],
  [1, "shopper-2", "invoke", "checkout", { sku: "A" }],
  [0, "shopper-1", "ok", "checkout", { sku: "A", orderId: "o1" }],
  [2, "shopper-1", "invoke", "order-read", { orderId: "o1" }],
  [1, "shopper-2", "ok", "checkout", { sku: "A", orderId: "o2" }],
  [2, "shopper-1", "ok", "order-read", { orderId: "o1", found: true, version: 2, status: "STOCK_RESERVED" }],
  [3, "shopper-1", "invoke", "order-read", { orderId: "o1" }],
  [3, "shopper-1", "ok", "order-read", { orderId: "o1", found: true, version: 6, status: "READY_FOR_FULFILMENT" }],
  [4, "shopper-3", "invoke", "checkout", { sku: "A" }],
  [4, "shopper-3", "info", "checkout", { sku: "A" }],
  [5, "vendor", "invoke", "stock-adjust", { sku: "A", delta: 1, note: "adj-1" }],
  [5, "vendor", "ok", "stock-adjust", { sku: "A", delta: 1, note: "adj-1" }],
]);

describe("soak checker", () => {
  it("passes a clean history (an indeterminate checkout is not a failure)", () => {
    expect(checkHistory(clean, state({ skus: [{ sku: "A", initialOnHand: 2, onHand: 1, reserved: 0, soldUnits: 2 }] }))).toEqual([]);
  });

  it("flags an oversell: more paid orders of a SKU than units stocked", () => {
    const h = history([
      [0, "shopper-1", "invoke", "checkout", { sku: "A" }],
      [0, "shopper-1", "ok", "checkout", { sku: "A", orderId: "o1" }],
      [1, "shopper-2", "invoke", "checkout", { sku: "A" }],
      [1, "shopper-2", "ok", "checkout", { sku: "A", orderId: "o2" }],
    ]);
    const v = checkHistory(h, state({ skus: [{ sku: "A", initialOnHand: 1, onHand: 0, reserved: 0, soldUnits: 1 }], movementNotes: new Set() }));
    expect(v.map((x) => x.check)).toEqual(["no oversell"]);
    expect(v[0]?.detail).toContain("2 units sold of 1 stocked");
    expect(v[0]?.events).toEqual([1, 3]);
  });

  it("flags a lost acknowledgement: an acknowledged order or stock change missing from the database", () => {
    const v = checkHistory(clean, state({ orders: new Map([["o2", { status: "READY_FOR_FULFILMENT", version: 6 }]]), movementNotes: new Set() }));
    expect(v.map((x) => x.check).sort()).toEqual(["acknowledged orders present", "acknowledged stock changes present"]);
  });

  it("flags a non-monotonic read and a read that misses the reader's own order", () => {
    const h = history([
      [0, "shopper-1", "invoke", "checkout", { sku: "A" }],
      [0, "shopper-1", "ok", "checkout", { sku: "A", orderId: "o1" }],
      [1, "shopper-1", "invoke", "order-read", { orderId: "o1" }],
      [1, "shopper-1", "ok", "order-read", { orderId: "o1", found: false }],
      [2, "shopper-1", "invoke", "order-read", { orderId: "o1" }],
      [2, "shopper-1", "ok", "order-read", { orderId: "o1", found: true, version: 5, status: "CAPTURED" }],
      [3, "shopper-1", "invoke", "order-read", { orderId: "o1" }],
      [3, "shopper-1", "ok", "order-read", { orderId: "o1", found: true, version: 3, status: "PAYMENT_AUTHORIZED" }],
    ]);
    const v = checkHistory(h, state());
    expect(v.map((x) => x.check)).toEqual(["read-your-writes", "monotonic order reads"]);
    expect(v[1]?.events).toEqual([5, 7]);
  });

  it("flags a double capture, a paid order never captured, a stuck saga and a failed database invariant", () => {
    const v = checkHistory(clean, state({
      orders: new Map([["o1", { status: "READY_FOR_FULFILMENT", version: 6 }], ["o2", { status: "CONFIRMED", version: 4 }]]),
      captures: new Map([["o1", 2]]),
      database: [{ name: "ledger balanced", ok: false, detail: "sum = 40 cents" }],
    }));
    expect(v.map((x) => x.check).sort()).toEqual(["database invariants", "one capture per paid order", "sagas terminal"]);
  });

  it("flags a payout seen committed that a later read or the database no longer has", () => {
    const payouts = history([
      [0, "vendor", "invoke", "payout-request", {}],
      [0, "vendor", "ok", "payout-request", { queued: true }],
      [1, "vendor", "invoke", "payout-read", {}],
      [1, "vendor", "ok", "payout-read", { payouts: [{ id: "p1", state: "committed" }] }],
      [2, "vendor", "invoke", "payout-read", {}],
      [2, "vendor", "ok", "payout-read", { payouts: [{ id: "p1", state: "committed" }] }],
    ]);
    expect(checkHistory(payouts, state())).toEqual([]);
    // A payout still being decided is not a promise yet: prepared, then aborted, is fine.
    const undecided = history([
      [0, "vendor", "invoke", "payout-read", {}],
      [0, "vendor", "ok", "payout-read", { payouts: [{ id: "p2", state: "prepared" }] }],
    ]);
    expect(checkHistory(undecided, state({ payouts: new Map([["p2", "aborted"]]) }))).toEqual([]);
    const lost = history([
      ...payouts.slice(0, 4).map((e) => [e.op, e.process, e.type, e.f, e.value] as const),
      [2, "vendor", "invoke", "payout-read", {}],
      [2, "vendor", "ok", "payout-read", { payouts: [] }],
    ] as Parameters<typeof history>[0]);
    const v = checkHistory(lost, state({ payouts: new Map() }));
    expect(v.map((x) => x.check)).toEqual(["committed payouts durable", "committed payouts durable"]);
    expect(v[0]?.detail).toMatch(/p1 was seen committed, then not at all/);
    expect(v[1]?.detail).toMatch(/in the database now: absent/);
  });

  it("prints the history around a violation", () => {
    expect(historySlice(clean, [5], 1).map((e) => e.index)).toEqual([4, 5, 6]);
  });
});
