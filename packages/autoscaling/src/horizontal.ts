/**
 * One reconcile of a HorizontalPodAutoscaler, as `pkg/controller/podautoscaler/horizontal.go` does
 * it: the largest proposal over the metrics, min/max bounds, the stabilisation windows and the
 * `behavior` rate limits. Pure: the controller's memory (past recommendations, past scale events)
 * goes in and comes out, so a caller can keep it anywhere and tests can replay a timeline.
 */
import { DEFAULT_TOLERANCE, type HorizontalPolicy, type ScalingRules } from "./policy.ts";
import {
  type MetricReading,
  MetricUnavailableError,
  proposeReplicas,
} from "./replica-calculator.ts";

interface Timestamped {
  /** Milliseconds (Date.now() scale). */
  at: number;
}

/** What the controller remembers between reconciles of one target (upstream keeps it per HPA key). */
export interface AutoscalerMemory {
  recommendations: readonly (Timestamped & { replicas: number })[];
  scaleUpEvents: readonly (Timestamped & { change: number })[];
  scaleDownEvents: readonly (Timestamped & { change: number })[];
}

export const EMPTY_MEMORY: AutoscalerMemory = {
  recommendations: [],
  scaleUpEvents: [],
  scaleDownEvents: [],
};

export interface ReconcileInput {
  /** The scale subresource's replicas. */
  currentReplicas: number;
  /** Running and Ready pods (for `Value` targets); defaults to `currentReplicas`. */
  readyPods?: number;
  /** One reading per metric name; an absent entry is a metric that could not be read. */
  readings: Readonly<Record<string, MetricReading | undefined>>;
  now: number;
  tolerance?: number;
}

export type DecisionReason =
  /** `spec.replicas` is 0 while minReplicas is not: upstream treats autoscaling as switched off. */
  | "scaling-disabled"
  | "above-max"
  | "below-min"
  /** Every metric failed, or some failed and the others would scale down: upstream does nothing. */
  | "metrics-unavailable"
  | "desired-within-range"
  | "scale-up-stabilized"
  | "scale-down-stabilized"
  | "scale-up-limit"
  | "scale-down-limit"
  | "too-many-replicas"
  | "too-few-replicas";

export interface Decision {
  desiredReplicas: number;
  /** The largest metric proposal before bounds, stabilisation and rate limits (undefined if none). */
  metricProposal?: number;
  /** Each metric's proposal, or the reason it had none. */
  proposals: Record<string, number | string>;
  reason: DecisionReason;
  memory: AutoscalerMemory;
}

/**
 * `computeReplicasForMetrics`: the maximum over the metrics. A failed metric is skipped unless all
 * fail, or unless the rest would scale down — upstream refuses to shrink on partial information.
 */
function metricProposal(
  policy: HorizontalPolicy,
  input: ReconcileInput,
): { replicas: number | undefined; proposals: Record<string, number | string> } {
  const proposals: Record<string, number | string> = {};
  let replicas = 0;
  let invalid = 0;
  for (const spec of policy.metrics) {
    try {
      const p = proposeReplicas(spec, input.currentReplicas, input.readings[spec.name], {
        readyPods: input.readyPods,
        tolerance: input.tolerance ?? DEFAULT_TOLERANCE,
      });
      proposals[spec.name] = p;
      replicas = Math.max(replicas, p);
    } catch (err) {
      if (!(err instanceof MetricUnavailableError)) throw err;
      proposals[spec.name] = err.message;
      invalid += 1;
    }
  }
  if (invalid >= policy.metrics.length || (invalid > 0 && replicas < input.currentReplicas)) {
    return { replicas: undefined, proposals };
  }
  return { replicas, proposals };
}

/**
 * `stabilizeRecommendationWithBehaviors`: within the scale-up window take the minimum of the
 * recommendations, within the scale-down window the maximum, and keep the current count between
 * them. The raw recommendation is recorded (reusing a slot older than both windows).
 */
function stabilize(
  behavior: HorizontalPolicy["behavior"],
  memory: AutoscalerMemory,
  current: number,
  desired: number,
  now: number,
): { replicas: number; recommendations: AutoscalerMemory["recommendations"] } {
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds * 1000;
  let up = desired;
  let down = desired;
  let oldIndex = -1;
  memory.recommendations.forEach((r, i) => {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
    if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
  });
  let replicas = current;
  if (replicas < up) replicas = up;
  if (replicas > down) replicas = down;
  const entry = { at: now, replicas: desired };
  const recommendations =
    oldIndex >= 0
      ? memory.recommendations.map((r, i) => (i === oldIndex ? entry : r))
      : [...memory.recommendations, entry];
  return { replicas, recommendations };
}

/** `getReplicasChangePerPeriod`: the replicas changed by events newer than the period. */
function changedWithin(
  events: AutoscalerMemory["scaleUpEvents"],
  periodSeconds: number,
  now: number,
) {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

/**
 * `calculateScaleUpLimitWithScalingRules`: from the count at the start of each policy's period
 * (undoing this period's additions and removals), the largest (`Max`) or smallest (`Min`) step.
 */
export function scaleUpLimit(
  current: number,
  memory: AutoscalerMemory,
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const pick = rules.selectPolicy === "Min" ? Math.min : Math.max;
  let result = rules.selectPolicy === "Min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const p of rules.policies) {
    const start =
      current -
      changedWithin(memory.scaleUpEvents, p.periodSeconds, now) +
      changedWithin(memory.scaleDownEvents, p.periodSeconds, now);
    // Percent rounds up, or a small target could never grow.
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** `calculateScaleDownLimitWithBehaviors`: the mirror image; Percent truncates (removes at least as much). */
export function scaleDownLimit(
  current: number,
  memory: AutoscalerMemory,
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  // For a scale-down the smallest change is the highest count, hence max for `Min`.
  const pick = rules.selectPolicy === "Min" ? Math.max : Math.min;
  let result = rules.selectPolicy === "Min" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules.policies) {
    const start =
      current +
      changedWithin(memory.scaleDownEvents, p.periodSeconds, now) -
      changedWithin(memory.scaleUpEvents, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** `convertDesiredReplicasWithBehaviorRate`: clamp to the rate limits and to min/max. */
function limitRate(
  policy: HorizontalPolicy,
  memory: AutoscalerMemory,
  current: number,
  desired: number,
  minReplicas: number,
  now: number,
): { replicas: number; reason?: DecisionReason } {
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, memory, policy.behavior.scaleUp, now), current);
    const maxAllowed = Math.min(policy.maxReplicas, limit);
    const reason = policy.maxReplicas > limit ? "scale-up-limit" : "too-many-replicas";
    return desired > maxAllowed ? { replicas: maxAllowed, reason } : { replicas: desired };
  }
  if (desired < current) {
    const limit = Math.min(
      scaleDownLimit(current, memory, policy.behavior.scaleDown, now),
      current,
    );
    const minAllowed = Math.max(minReplicas, limit);
    const reason = minReplicas < limit ? "scale-down-limit" : "too-few-replicas";
    return desired < minAllowed ? { replicas: minAllowed, reason } : { replicas: desired };
  }
  return { replicas: desired };
}

/**
 * `storeScaleEvent`: remember a change for the rate limits, reusing a slot older than the longest
 * policy period of that direction (upstream's `markScaleEventsOutdated`).
 */
function recordScaleEvent(
  policy: HorizontalPolicy,
  memory: AutoscalerMemory,
  from: number,
  to: number,
  now: number,
): AutoscalerMemory {
  if (to === from) return memory;
  const up = to > from;
  const rules = up ? policy.behavior.scaleUp : policy.behavior.scaleDown;
  const longest = Math.max(0, ...rules.policies.map((p) => p.periodSeconds));
  const events = up ? memory.scaleUpEvents : memory.scaleDownEvents;
  const entry = { at: now, change: Math.abs(to - from) };
  const stale = events.findIndex((e) => e.at <= now - longest * 1000);
  const next = stale >= 0 ? events.map((e, i) => (i === stale ? entry : e)) : [...events, entry];
  return up ? { ...memory, scaleUpEvents: next } : { ...memory, scaleDownEvents: next };
}

/** One `reconcileAutoscaler` pass: what the target's replicas should be now. */
export function reconcileHorizontal(
  policy: HorizontalPolicy,
  memory: AutoscalerMemory,
  input: ReconcileInput,
): Decision {
  const current = input.currentReplicas;
  const done = (desiredReplicas: number, reason: DecisionReason, extra: Partial<Decision> = {}) => {
    const next =
      reason === "metrics-unavailable" || reason === "scaling-disabled"
        ? memory
        : recordScaleEvent(policy, extra.memory ?? memory, current, desiredReplicas, input.now);
    return { proposals: {}, ...extra, desiredReplicas, reason, memory: next };
  };
  if (current === 0 && policy.minReplicas !== 0) return done(0, "scaling-disabled");
  if (current > policy.maxReplicas) return done(policy.maxReplicas, "above-max");
  if (current < policy.minReplicas) return done(policy.minReplicas, "below-min");

  const { replicas: proposal, proposals } = metricProposal(policy, input);
  if (proposal === undefined) return done(current, "metrics-unavailable", { proposals });

  const stable = stabilize(policy.behavior, memory, current, proposal, input.now);
  const withRecommendation = { ...memory, recommendations: stable.recommendations };
  const limited = limitRate(
    policy,
    withRecommendation,
    current,
    stable.replicas,
    policy.minReplicas,
    input.now,
  );
  const reason: DecisionReason =
    limited.reason ??
    (stable.replicas !== proposal
      ? proposal > current
        ? "scale-up-stabilized"
        : "scale-down-stabilized"
      : "desired-within-range");
  return done(limited.replicas, reason, {
    proposals,
    metricProposal: proposal,
    memory: withRecommendation,
  });
}
