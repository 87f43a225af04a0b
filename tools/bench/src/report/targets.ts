/**
 * The product's performance targets (docs: REQUIREMENTS "Performance targets") and issue 12's goals
 * for this 2-core box, as checks on a scenario's result. A scenario names the ones that apply.
 */
import type { ScenarioResult, TargetVerdict } from "./result.ts";

export interface Target {
  label: string;
  check(r: ScenarioResult): boolean;
}

/** Issue 12's soak goal: no process's RSS grows more than this % over a steady load. */
export const SOAK_RSS_GROWTH_LIMIT_PCT = 20;

const p95Below = (ms: number) => (r: ScenarioResult) => r.p95Ms !== null && r.p95Ms < ms;
const p95AtMost = (ms: number) => (r: ScenarioResult) => r.p95Ms !== null && r.p95Ms <= ms;

export const TARGETS = {
  apiP95: { label: "API p95 < 200 ms", check: p95Below(200) },
  searchP95: { label: "search p95 < 100 ms", check: p95Below(100) },
  searchGoal: { label: "search p95 ≤ 50 ms", check: p95AtMost(50) },
  cachedRead: {
    label: "≥ 25 % of ceiling, p95 ≤ 20 ms, 0 non-2xx",
    check: (r) =>
      (r.ratioToCeiling ?? 0) >= 0.25 && p95AtMost(20)(r) && r.non2xx === 0 && r.errors === 0,
  },
  storefrontHtml: { label: "HTML p95 ≤ 100 ms", check: p95AtMost(100) },
  noErrors: { label: "0 errors", check: (r) => r.non2xx === 0 && r.errors === 0 },
  orderEndToEnd: { label: "order end to end p95 < 5 s", check: p95Below(5_000) },
  /** Production's 10k rps; on this box the ceiling row shows what the box itself can do. */
  peak: { label: "10k rps (prod hardware)", check: (r) => r.rps >= 10_000 },
  idleCpu: { label: "idle ≤ 0.15 core", check: (r) => (r.idle?.cores ?? Infinity) <= 0.15 },
  idleRss: { label: "RSS ≤ 2.5 GB", check: (r) => (r.idle?.rssMb ?? Infinity) <= 2_500 },
  /** Met only by a soak that sampled at least twice and flagged no process. */
  soakRssGrowth: {
    label: `no process grows > ${SOAK_RSS_GROWTH_LIMIT_PCT} %`,
    check: (r) =>
      r.soak !== undefined && r.soak.atS.length >= 2 && r.soak.processes.every((p) => !p.grew),
  },
} as const satisfies Record<string, Target>;

export function evaluateTargets(r: ScenarioResult, targets: readonly Target[]): TargetVerdict[] {
  return targets.map((t) => ({ label: t.label, met: t.check(r) }));
}
