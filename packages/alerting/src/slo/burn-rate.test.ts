import { describe, expect, it } from "vitest";
import {
  BURN_WINDOWS,
  budgetConsumed,
  budgetRemaining,
  burnRate,
  burnWindowFires,
  errorBudget,
  SLO_PERIOD_MS,
  type EventCounts,
} from "./burn-rate.ts";

const HOUR = 3_600_000;

describe("error budget arithmetic (SRE workbook, chapter 5)", () => {
  it("gives a 99.9 % SLO a budget of 0.1 % of events over 30 days", () => {
    expect(errorBudget(0.999)).toBeCloseTo(0.001, 12);
    expect(SLO_PERIOD_MS).toBe(30 * 24 * HOUR);
  });

  it("consumes 2 % of the budget when burning 14.4x for one hour", () => {
    expect(budgetConsumed(14.4, HOUR)).toBeCloseTo(0.02, 12);
  });

  it("consumes 5 % when burning 6x for six hours and 10 % when burning 1x for three days", () => {
    expect(budgetConsumed(6, 6 * HOUR)).toBeCloseTo(0.05, 12);
    expect(budgetConsumed(1, 72 * HOUR)).toBeCloseTo(0.1, 12);
  });

  it("reads 1.44 % errors against a 99.9 % SLO as a 14.4x burn", () => {
    expect(burnRate({ good: 9856, total: 10000 }, 0.999)).toBeCloseTo(14.4, 9);
  });

  it("burns nothing without traffic and has the whole budget left", () => {
    expect(burnRate({ good: 0, total: 0 }, 0.999)).toBe(0);
    expect(budgetRemaining({ good: 0, total: 0 }, 0.999)).toBe(1);
  });

  it("reports an overspent budget as negative", () => {
    expect(budgetRemaining({ good: 998, total: 1000 }, 0.999)).toBeCloseTo(-1, 9);
  });

  it("refuses an objective outside (0, 1)", () => {
    expect(() => errorBudget(1)).toThrow(RangeError);
  });
});

describe("multi-window, multi-burn-rate alerts", () => {
  const page1h = BURN_WINDOWS[0]!;
  const counts = (long: EventCounts, short: EventCounts) => (ms: number) => (ms === page1h.longMs ? long : short);

  it("uses the workbook's windows: 1h/5m and 6h/30m at 14.4x and 6x page, 3d/6h at 1x tickets", () => {
    expect(BURN_WINDOWS.map((w) => [w.severity, w.longMs / 60_000, w.shortMs / 60_000, w.factor])).toEqual([
      ["page", 60, 5, 14.4],
      ["page", 360, 30, 6],
      ["ticket", 4320, 360, 1],
    ]);
  });

  it("fires only when both the long and the short window burn above the factor", () => {
    const burning = { good: 9800, total: 10000 }; // 20x
    const calm = { good: 10000, total: 10000 };
    expect(burnWindowFires(page1h, counts(burning, burning), 0.999).fires).toBe(true);
    // An hour-old incident already fixed: the long window still burns, the short one no longer does.
    expect(burnWindowFires(page1h, counts(burning, calm), 0.999).fires).toBe(false);
    // A brief spike: the short window burns, the hour has not consumed enough budget yet.
    expect(burnWindowFires(page1h, counts(calm, burning), 0.999).fires).toBe(false);
  });

  it("does not fire at exactly the factor", () => {
    const exactly = { good: 9856, total: 10000 };
    expect(burnWindowFires(page1h, counts(exactly, { good: 0, total: 1 }), 0.999).fires).toBe(false);
  });
});
