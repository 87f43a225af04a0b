/**
 * SLO error-budget arithmetic and the multi-window, multi-burn-rate alert of the Google SRE
 * workbook (chapter 5, "Alerting on SLOs"): an alert needs BOTH a long window (enough budget is
 * really gone) and a short window (it is still burning now, so the alert resets quickly after a fix).
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The period an SLO's error budget is measured over. */
export const SLO_PERIOD_MS = 30 * DAY;

export type Severity = "page" | "ticket";

export interface BurnWindow {
  /** Stable id used in alert names and labels, e.g. `1h`. */
  id: string;
  severity: Severity;
  longMs: number;
  shortMs: number;
  /** Burn-rate threshold: how many times faster than "exactly uses the budget in the period". */
  factor: number;
}

/** The workbook's recommended table for a 30-day, 99.9 % SLO. */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { id: "1h", severity: "page", longMs: HOUR, shortMs: 5 * MINUTE, factor: 14.4 },
  { id: "6h", severity: "page", longMs: 6 * HOUR, shortMs: 30 * MINUTE, factor: 6 },
  { id: "3d", severity: "ticket", longMs: 3 * DAY, shortMs: 6 * HOUR, factor: 1 },
];

/** Good and total events over one window. */
export interface EventCounts {
  good: number;
  total: number;
}

/** Fraction of events that failed; 0 when nothing happened (no traffic burns no budget). */
export function errorRatio(c: EventCounts): number {
  if (c.total <= 0) return 0;
  return Math.min(1, Math.max(0, (c.total - c.good) / c.total));
}

/** 1 - objective: the fraction of events allowed to fail (0.001 for 99.9 %). */
export function errorBudget(objective: number): number {
  if (!(objective > 0 && objective < 1)) throw new RangeError(`objective must be in (0, 1), got ${objective}`);
  return 1 - objective;
}

/** How fast the budget burns: 1 uses it exactly over the SLO period. */
export function burnRate(c: EventCounts, objective: number): number {
  return errorRatio(c) / errorBudget(objective);
}

/** Fraction of the whole period's budget consumed by burning at `rate` for `windowMs`. */
export function budgetConsumed(rate: number, windowMs: number, periodMs = SLO_PERIOD_MS): number {
  return (rate * windowMs) / periodMs;
}

/** Fraction of the period's budget still left given the period's counts (negative when overspent). */
export function budgetRemaining(period: EventCounts, objective: number): number {
  return 1 - burnRate(period, objective);
}

/** Whether a burn window fires: both its long and its short window burn above the factor. */
export function burnWindowFires(
  w: BurnWindow,
  counts: (windowMs: number) => EventCounts,
  objective: number,
): { fires: boolean; longRate: number; shortRate: number } {
  const longRate = burnRate(counts(w.longMs), objective);
  const shortRate = burnRate(counts(w.shortMs), objective);
  return { fires: longRate > w.factor && shortRate > w.factor, longRate, shortRate };
}

/** `3600000` → `1h`, for PromQL range selectors and labels. */
export function durationText(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
