/**
 * The two release strategies as step lists (Argo Rollouts' `canary.steps` and blue-green's
 * pre-promotion analysis + scale-down delay), with one analysis template: server-error share
 * of the new version's own calls, its p95 latency against the stable version's, and a p95 ceiling.
 */
import type { AnalysisMetricInput } from "./analysis.ts";
import { metricSchema } from "./analysis.ts";
import type { RolloutStep, Strategy } from "./rollout-state.ts";

export interface StrategyOptions {
  /** Between measurements (Argo `interval`). */
  intervalMs?: number;
  /** Measurements per analysis (Argo `count`). */
  count?: number;
  /** Blue-green: how long the old (blue) set stays up after the switch, for a one-click rollback. */
  scaleDownDelayMs?: number;
  /** Canary: how long each weight holds before its analysis starts. */
  settleMs?: number;
}

export function analysisTemplate(o: StrategyOptions = {}): ReturnType<typeof metricSchema.parse>[] {
  const common = { count: o.count ?? 3, intervalMs: o.intervalMs ?? 5_000 };
  const metrics: AnalysisMetricInput[] = [
    // Under 2 % server errors passes, 5 % or more fails; in between twice is for a person to judge
    // (once is the noise of a few dozen calls: 2 errors in 46 is 4.3 % from a release failing 10 %).
    {
      name: "error-rate",
      successCondition: { op: "<", value: 0.02 },
      failureCondition: { op: ">=", value: 0.05 },
      ...common,
      inconclusiveLimit: 1,
    },
    // Latency against the stable version in the same interval: under 2x its p95 passes, 3x or more
    // fails, in between twice pauses for a person. Relative, because the box's load moves both.
    {
      name: "p95-vs-stable",
      successCondition: { op: "<", value: 2 },
      failureCondition: { op: ">=", value: 3 },
      ...common,
      failureLimit: 1,
      inconclusiveLimit: 1,
    },
    // And a ceiling whatever the stable version does: a canary whose p95 reaches 5 s fails.
    { name: "p95-latency", failureCondition: { op: ">=", value: 5 }, ...common, failureLimit: 1 },
  ];
  return metrics.map((m) => metricSchema.parse(m));
}

export function strategySteps(strategy: Strategy, o: StrategyOptions = {}): RolloutStep[] {
  const analysis: RolloutStep = { kind: "analysis", metrics: analysisTemplate(o) };
  const settle: RolloutStep = { kind: "pause", ms: o.settleMs ?? 2_000 };
  if (strategy === "canary")
    return [
      { kind: "setWeight", weight: 10 },
      settle,
      analysis,
      { kind: "setWeight", weight: 50 },
      settle,
      analysis,
      { kind: "setWeight", weight: 100 },
      settle,
      analysis,
    ];
  // Blue-green: analysis of the preview (direct ports, no gateway traffic), then all at once.
  return [analysis, { kind: "setWeight", weight: 100 }, { kind: "pause", ms: o.scaleDownDelayMs ?? 30_000 }];
}
