/**
 * The two release strategies as step lists (Argo Rollouts' `canary.steps` and blue-green's
 * pre-promotion analysis + scale-down delay), with one analysis template: server-error share
 * and p95 latency of the new version's own calls.
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
    // Under 2 % server errors passes, 5 % or more fails, in between is for a person to judge.
    { name: "error-rate", successCondition: { op: "<", value: 0.02 }, failureCondition: { op: ">=", value: 0.05 }, ...common },
    // p95 under 1 s (this box is slow and shared); a slower canary fails.
    { name: "p95-latency", successCondition: { op: "<", value: 1 }, ...common, failureLimit: 1 },
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
