/**
 * SLI events from request counters: between two scrapes each `agora_trpc_requests_total` series
 * grew by some amount (Prometheus `increase()` semantics: a counter that went down was reset by a
 * restart and counts from zero; a series seen for the first time has no baseline and counts
 * nothing). The increases are summed into good/total per journey.
 */
import { labelsKey, type Sample } from "../rules/sample.ts";
import { type EventCounts } from "./burn-rate.ts";
import { isServerFailure, JOURNEYS, journeyOf, type Journey } from "./journeys.ts";

export const REQUESTS_METRIC = "agora_trpc_requests_total";

export type CounterTotals = Map<string, number>;

export function counterIncrease(previous: number | undefined, current: number): number {
  if (previous === undefined) return 0;
  return current >= previous ? current - previous : current;
}

export function sliIncrease(
  previous: CounterTotals | undefined,
  samples: readonly Sample[],
): { totals: CounterTotals; increase: Record<Journey, EventCounts> } {
  const totals: CounterTotals = new Map();
  const increase = Object.fromEntries(JOURNEYS.map((j) => [j, { good: 0, total: 0 }])) as Record<Journey, EventCounts>;
  for (const s of samples) {
    if (s.name !== REQUESTS_METRIC) continue;
    const journey = journeyOf(s.labels.procedure ?? "");
    if (!journey) continue;
    const key = labelsKey(s.labels);
    totals.set(key, s.value);
    // Without any baseline (first scrape after election) there is nothing to compare with.
    const delta = previous ? counterIncrease(previous.get(key) ?? 0, s.value) : 0;
    increase[journey].total += delta;
    if (!isServerFailure(s.labels)) increase[journey].good += delta;
  }
  return { totals, increase };
}
