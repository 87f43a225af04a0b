/**
 * The analysis decision of a rollout, with Argo Rollouts' semantics (argoproj/argo-rollouts
 * `utils/evaluate/evaluate.go` EvaluateResult and `analysis/analysis.go` assessMetricStatus):
 *
 * - one measurement is Successful, Failed, Inconclusive or Error: with only a successCondition, not
 *   meeting it is a failure; with only a failureCondition, not meeting it is a success; with both
 *   and neither met, Inconclusive; a failure condition that holds wins; no value (the provider had
 *   no data) or a provider error is Error;
 * - a metric's run is Failed once failed > failureLimit (a negative limit disables it),
 *   Inconclusive once inconclusive > inconclusiveLimit, Error once consecutive errors >
 *   consecutiveErrorLimit (default 4); later checks win, as in Argo; else Successful once `count`
 *   measurements were taken (or consecutiveSuccessLimit reached), else Running;
 * - a run is the worst of its metrics (Successful < Running < Pending < Inconclusive < Error < Failed).
 *
 * What the rollout does with it: Failed or Error → abort (all weight to stable, canary drained);
 * Inconclusive → pause for a person to promote or abort; Successful → next step.
 * Conditions are data (`{ op, value }`) rather than Argo's expr strings: no expression evaluator.
 */
import { z } from "zod";

export const PHASES = ["Successful", "Running", "Pending", "Inconclusive", "Error", "Failed"] as const;
export type AnalysisPhase = (typeof PHASES)[number];
export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

export const conditionSchema = z.object({ op: z.enum(["<", "<=", ">", ">="]), value: z.number() });
export type Condition = z.infer<typeof conditionSchema>;

export const metricSchema = z.object({
  /**
   * What it measures per version: server-error share of calls, p95 latency in seconds, or the new
   * version's p95 as a multiple of the stable version's over the same interval (Kayenta-style: on a
   * busy box both get slower together, so a fixed latency bound fails healthy releases).
   */
  name: z.enum(["error-rate", "p95-latency", "p95-vs-stable"]),
  successCondition: conditionSchema.optional(),
  failureCondition: conditionSchema.optional(),
  /** Measurements per run (Argo `count`). */
  count: z.number().int().min(1).default(3),
  /** Between measurements (Argo `interval`). */
  intervalMs: z.number().int().min(100).default(5_000),
  failureLimit: z.number().int().default(0),
  inconclusiveLimit: z.number().int().min(0).default(0),
  consecutiveErrorLimit: z.number().int().min(0).default(4),
  consecutiveSuccessLimit: z.number().int().min(0).optional(),
});
export type AnalysisMetric = z.infer<typeof metricSchema>;
export type AnalysisMetricInput = z.input<typeof metricSchema>;

const holds = (c: Condition, v: number): boolean =>
  c.op === "<" ? v < c.value : c.op === "<=" ? v <= c.value : c.op === ">" ? v > c.value : v >= c.value;

/** One measurement's phase. `value` undefined (no data) or NaN is Error, as an empty Prometheus result is in Argo. */
export function evaluateMeasurement(
  metric: Pick<AnalysisMetric, "successCondition" | "failureCondition">,
  value: number | undefined,
): MeasurementPhase {
  if (value === undefined || Number.isNaN(value)) return "Error";
  const { successCondition: s, failureCondition: f } = metric;
  if (!s && !f) return "Successful";
  let success = s ? holds(s, value) : false;
  let failure = f ? holds(f, value) : false;
  if (s && !f) failure = !success;
  if (!s && f) success = !failure;
  if (failure) return "Failed";
  if (!success) return "Inconclusive";
  return "Successful";
}

export interface MetricResult {
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  consecutiveSuccess: number;
}

export const emptyResult = (): MetricResult => ({
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
  consecutiveError: 0,
  consecutiveSuccess: 0,
});

/** The counters after one more measurement; as in Argo, an Error does not count towards `count`. */
export function addMeasurement(r: MetricResult, phase: MeasurementPhase): MetricResult {
  if (phase === "Error") return { ...r, error: r.error + 1, consecutiveError: r.consecutiveError + 1, consecutiveSuccess: 0 };
  const next = { ...r, count: r.count + 1 };
  const base = { ...next, consecutiveError: 0 };
  if (phase === "Successful") return { ...base, successful: r.successful + 1, consecutiveSuccess: r.consecutiveSuccess + 1 };
  if (phase === "Failed") return { ...base, failed: r.failed + 1, consecutiveSuccess: 0 };
  return { ...base, inconclusive: r.inconclusive + 1, consecutiveSuccess: 0 };
}

/** A metric's phase from its counters (Argo assessMetricStatus, not terminating). */
export function assessMetric(
  metric: Pick<AnalysisMetric, "count" | "failureLimit" | "inconclusiveLimit" | "consecutiveErrorLimit" | "consecutiveSuccessLimit">,
  r: MetricResult,
): { phase: AnalysisPhase; reason: string } {
  if (r.count === 0 && r.error === 0) return { phase: "Pending", reason: "no measurement yet" };
  let out: { phase: AnalysisPhase; reason: string } | undefined;
  if (metric.failureLimit >= 0 && r.failed > metric.failureLimit)
    out = { phase: "Failed", reason: `failed (${r.failed}) > failureLimit (${metric.failureLimit})` };
  if (r.inconclusive > metric.inconclusiveLimit)
    out = { phase: "Inconclusive", reason: `inconclusive (${r.inconclusive}) > inconclusiveLimit (${metric.inconclusiveLimit})` };
  if (r.consecutiveError > metric.consecutiveErrorLimit)
    out = { phase: "Error", reason: `consecutiveErrors (${r.consecutiveError}) > consecutiveErrorLimit (${metric.consecutiveErrorLimit})` };
  if (out) return out;
  const successLimit = metric.consecutiveSuccessLimit ?? 0;
  if (successLimit > 0 && r.consecutiveSuccess >= successLimit)
    return { phase: "Successful", reason: `consecutiveSuccessLimit (${successLimit}) reached` };
  if (r.count >= metric.count) {
    const failureApplicable = metric.failureLimit >= 0;
    if (successLimit > 0 && failureApplicable)
      return { phase: "Inconclusive", reason: `consecutiveSuccessLimit (${successLimit}) not reached, failureLimit not violated` };
    if (successLimit > 0) return { phase: "Failed", reason: `consecutiveSuccessLimit (${successLimit}) not reached` };
    return { phase: "Successful", reason: `count (${metric.count}) reached` };
  }
  return { phase: "Running", reason: `${r.count} of ${metric.count} measurements` };
}

/** The worse of two phases (Argo's analysisStatusOrder). */
export function worst(a: AnalysisPhase, b: AnalysisPhase): AnalysisPhase {
  return PHASES.indexOf(b) > PHASES.indexOf(a) ? b : a;
}

/** A run is as bad as its worst metric. */
export function assessRun(phases: readonly AnalysisPhase[]): AnalysisPhase {
  return phases.reduce<AnalysisPhase>(worst, "Successful");
}

export function isCompleted(p: AnalysisPhase): boolean {
  return p === "Successful" || p === "Failed" || p === "Error" || p === "Inconclusive";
}

/** What the rollout does with a completed run. */
export function rolloutAction(p: AnalysisPhase): "continue" | "abort" | "pause" | "wait" {
  if (p === "Successful") return "continue";
  if (p === "Failed" || p === "Error") return "abort";
  if (p === "Inconclusive") return "pause";
  return "wait";
}
