/**
 * One metric's replica proposal, as kubernetes `pkg/controller/podautoscaler/replica_calculator.go`
 * computes it: desired = ceil(current × metric / target), no change inside the tolerance, and the
 * conservative treatment of pods without a metric or not yet ready.
 */
import { DEFAULT_TOLERANCE, type MetricSpec } from "./policy.ts";

/** One pod's sample. `value` absent: the metrics pipeline has nothing for it yet ("missing"). */
export interface PodSample {
  pod: string;
  /** Unready pods are left out of CPU averages (their start-up burns CPU that says nothing of load). */
  ready: boolean;
  /** Usage: CPU millicores / bytes for resources, the raw number for a Pods metric. */
  value?: number;
  /** The container requests (same unit as `value`), for Utilization targets. */
  request?: number;
}

export type MetricReading =
  { kind: "per-pod"; samples: readonly PodSample[] } | { kind: "total"; value: number };

export class MetricUnavailableError extends Error {
  readonly code = "METRIC_UNAVAILABLE";
  constructor(
    readonly metric: string,
    reason: string,
  ) {
    super(`${metric}: ${reason}`);
  }
}

const withinTolerance = (ratio: number, tolerance: number) => Math.abs(1 - ratio) <= tolerance;

/**
 * Per-pod metrics (`Resource` and `Pods` types): `GetResourceReplicas` / `calcPlainMetricReplicas`.
 * For a Utilization target the ratio is Σusage / Σrequests / target (`GetResourceUtilizationRatio`),
 * otherwise mean usage / target.
 */
function perPodReplicas(
  spec: Extract<MetricSpec, { kind: "resource-utilization" | "pods-average" }>,
  currentReplicas: number,
  samples: readonly PodSample[],
  tolerance: number,
): number {
  const utilization = spec.kind === "resource-utilization";
  // groupPods: only resource metrics set unready pods aside; a Pods metric counts every pod.
  const ignored = samples.filter((s) => utilization && !s.ready && s.value !== undefined);
  const missing = samples.filter((s) => s.value === undefined);
  const counted = samples.filter((s) => s.value !== undefined && !ignored.includes(s));
  if (counted.length === 0) throw new MetricUnavailableError(spec.name, "no pod has a sample");

  const ratio = (pods: { value: number; request?: number }[]): number => {
    if (utilization) {
      const requests = pods.reduce((sum, p) => sum + (p.request ?? 0), 0);
      if (requests <= 0) throw new MetricUnavailableError(spec.name, "pods declare no request");
      const usage = pods.reduce((sum, p) => sum + p.value, 0);
      // Upstream truncates utilisation to a whole percent (int32) before dividing by the target.
      return Math.trunc((usage * 100) / requests) / spec.targetUtilizationPercent;
    }
    return pods.reduce((sum, p) => sum + p.value, 0) / pods.length / spec.targetAverageValue;
  };
  const known = counted.map((s) => ({ value: s.value as number, request: s.request }));
  const usageRatio = ratio(known);

  // Scale-up with unready pods: they are assumed idle, so they must not inflate the proposal.
  const rebalanceIgnored = ignored.length > 0 && usageRatio > 1;
  if (!rebalanceIgnored && missing.length === 0) {
    if (withinTolerance(usageRatio, tolerance)) return currentReplicas;
    // Upstream multiplies by the ready pods it has metrics for, not by the spec's replicas.
    return Math.ceil(usageRatio * known.length);
  }

  // Missing pods: on a scale-down assume they run exactly at target, on a scale-up assume 0 %,
  // whichever argues against the move.
  const filled = [...known];
  const atTarget = (s: PodSample) =>
    utilization
      ? ((s.request ?? 0) * spec.targetUtilizationPercent) / 100
      : spec.targetAverageValue;
  if (usageRatio < 1)
    for (const s of missing) filled.push({ value: atTarget(s), request: s.request });
  else if (usageRatio > 1) for (const s of missing) filled.push({ value: 0, request: s.request });
  if (rebalanceIgnored) for (const s of ignored) filled.push({ value: 0, request: s.request });

  const newRatio = ratio(filled);
  // No change when the correction makes it small, or flips the direction of the move.
  if (
    withinTolerance(newRatio, tolerance) ||
    (usageRatio < 1 && newRatio > 1) ||
    (usageRatio > 1 && newRatio < 1)
  ) {
    return currentReplicas;
  }
  const proposal = Math.ceil(newRatio * filled.length);
  if (
    (newRatio < 1 && proposal > currentReplicas) ||
    (newRatio > 1 && proposal < currentReplicas)
  ) {
    return currentReplicas;
  }
  return proposal;
}

/**
 * The proposal of one metric for `currentReplicas` pods (`readyPods`: those Running and Ready, used
 * by `Value` targets). Throws `MetricUnavailableError` when the reading is absent or unusable; the
 * caller then applies the missing-metric rules of `computeReplicasForMetrics`.
 */
export function proposeReplicas(
  spec: MetricSpec,
  currentReplicas: number,
  reading: MetricReading | undefined,
  opts: { readyPods?: number; tolerance?: number } = {},
): number {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  if (!reading) throw new MetricUnavailableError(spec.name, "no reading");
  switch (spec.kind) {
    case "resource-utilization":
    case "pods-average":
      if (reading.kind !== "per-pod")
        throw new MetricUnavailableError(spec.name, "expects one sample per pod");
      return perPodReplicas(spec, currentReplicas, reading.samples, tolerance);
    case "external-average": {
      if (reading.kind !== "total") throw new MetricUnavailableError(spec.name, "expects a total");
      // GetExternalPerPodMetricReplicas: the ratio is against what the current pods can absorb,
      // the proposal is simply total / per-pod target.
      const usageRatio = reading.value / (spec.targetAverageValue * currentReplicas);
      if (currentReplicas > 0 && withinTolerance(usageRatio, tolerance)) return currentReplicas;
      return Math.ceil(reading.value / spec.targetAverageValue);
    }
    case "external-value": {
      if (reading.kind !== "total") throw new MetricUnavailableError(spec.name, "expects a total");
      // GetExternalMetricReplicas → getUsageRatioReplicaCount: scale the ready pods by the ratio.
      const usageRatio = reading.value / spec.targetValue;
      if (currentReplicas === 0) return Math.ceil(usageRatio);
      if (withinTolerance(usageRatio, tolerance)) return currentReplicas;
      return Math.ceil(usageRatio * (opts.readyPods ?? currentReplicas));
    }
  }
}
