import { describe, expect, it } from "vitest";
import { compareRollups } from "./rollup-diff.ts";
import { aggregate, type RollupRow, rowKey } from "./rollup-store.ts";
import type { RollupDelta } from "./sale-effects.ts";

const V = "00000000-0000-4000-8000-0000000000a1";
const P = "10000000-0000-4000-8000-000000000001";
const delta = (at: string, d: Partial<RollupDelta>): RollupDelta => ({
  vendorId: V,
  productId: P,
  at: new Date(at),
  revenueCents: 0,
  refundCents: 0,
  units: 0,
  orders: 0,
  views: 0,
  ...d,
});
const asMap = (rows: RollupRow[]) => new Map(rows.map((r) => [rowKey(r), r]));

describe("aggregate", () => {
  it("sums deltas of one vendor, product and bucket into one row per granularity", () => {
    const deltas = [
      delta("2026-01-01T10:05:00Z", { revenueCents: 100, units: 1, orders: 1 }),
      delta("2026-01-01T10:55:00Z", { revenueCents: 250, units: 2, orders: 1 }),
      delta("2026-01-01T11:00:00Z", { views: 1 }),
      delta("2026-01-01T11:00:00Z", { productId: null, revenueCents: 490, orders: 1 }),
    ];
    const hours = [...aggregate(deltas, "hour").values()];
    expect(hours.map((r) => [r.bucketStart.toISOString(), r.productId, r.values])).toEqual([
      [
        "2026-01-01T10:00:00.000Z",
        P,
        { revenue_cents: 350, refund_cents: 0, units: 3, orders: 2, views: 0 },
      ],
      [
        "2026-01-01T11:00:00.000Z",
        P,
        { revenue_cents: 0, refund_cents: 0, units: 0, orders: 0, views: 1 },
      ],
      [
        "2026-01-01T11:00:00.000Z",
        null,
        { revenue_cents: 490, refund_cents: 0, units: 0, orders: 1, views: 0 },
      ],
    ]);
    const days = [...aggregate(deltas, "day").values()];
    expect(days).toHaveLength(2);
    expect(days.find((r) => r.productId === P)?.values.revenue_cents).toBe(350);
  });
});

describe("compareRollups", () => {
  const truth = aggregate(
    [delta("2026-01-01T10:05:00Z", { revenueCents: 100, units: 1, orders: 1 })],
    "hour",
  );

  it("finds nothing when the stream's rows equal the batch's", () => {
    const same = aggregate(
      [delta("2026-01-01T10:40:00Z", { revenueCents: 100, units: 1, orders: 1 })],
      "hour",
    );
    const cmp = compareRollups("hour", truth, same);
    expect(cmp).toMatchObject({ differences: [], toSet: [], toDelete: [], bucketsCompared: 1 });
  });

  it("reports each differing metric and overwrites the row with the batch's values", () => {
    const off = aggregate(
      [delta("2026-01-01T10:40:00Z", { revenueCents: 877, units: 1, orders: 2 })],
      "hour",
    );
    const cmp = compareRollups("hour", truth, off);
    expect(cmp.differences.map((d) => [d.metric, d.expected, d.actual])).toEqual([
      ["revenue_cents", 100, 877],
      ["orders", 1, 2],
    ]);
    expect(cmp.toSet).toEqual([...truth.values()]);
  });

  it("adds a row the stream missed and deletes one no event supports", () => {
    const stray = aggregate([delta("2026-01-01T12:00:00Z", { views: 5 })], "hour");
    const cmp = compareRollups("hour", truth, asMap([...stray.values()]));
    expect(cmp.toSet).toEqual([...truth.values()]);
    expect(cmp.toDelete).toEqual([...stray.values()]);
    expect(cmp.differences.map((d) => [d.metric, d.expected, d.actual])).toEqual([
      ["revenue_cents", 100, 0],
      ["units", 1, 0],
      ["orders", 1, 0],
      ["views", 0, 5],
    ]);
  });
});
