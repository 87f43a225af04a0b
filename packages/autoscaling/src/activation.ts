/**
 * KEDA's part of scaling a pool: the 0 ↔ 1 step the HPA cannot take. Mirrors kedacore/keda
 * `pkg/scaling/executor/scale_scaledobjects.go` (`RequestScale`): a ScaledObject is active when
 * any trigger's value is above its `activationThreshold` (strictly, as the scalers compare); an
 * active object at zero is scaled to max(minReplicaCount, 1); an inactive one with
 * minReplicaCount 0 goes back to zero only after `cooldownPeriod` since it was last active. Between
 * 1 and max the HPA KEDA generated (with minReplicas max(minReplicaCount, 1)) decides.
 */
import type { ActivationPolicy, HorizontalPolicy, MetricSpec } from "./policy.ts";
import type { MetricReading } from "./replica-calculator.ts";
import {
  type AutoscalerMemory,
  type Decision,
  type ReconcileInput,
  reconcileHorizontal,
} from "./horizontal.ts";

type TriggerSpec = Extract<MetricSpec, { kind: "external-average" | "external-value" }>;

export interface ActivationState {
  /** When a trigger was last seen active (KEDA's `status.lastActiveTime`), ms. */
  lastActiveAt?: number;
}

export type Activation = { active: true } | { active: false; errored: boolean };

/** KEDA `IsActive` over the triggers: any value above its threshold; all unreadable is an error. */
export function activation(
  triggers: readonly TriggerSpec[],
  readings: Readonly<Record<string, MetricReading | undefined>>,
): Activation {
  let read = 0;
  for (const t of triggers) {
    const r = readings[t.name];
    if (r?.kind !== "total") continue;
    read += 1;
    if (r.value > t.activationThreshold) return { active: true };
  }
  return { active: false, errored: triggers.length > 0 && read === 0 };
}

/** The HPA KEDA creates for a ScaledObject: `minReplicas` is never below 1. */
export function generatedHorizontalPolicy(
  hpa: HorizontalPolicy,
  keda: ActivationPolicy,
): HorizontalPolicy {
  return { ...hpa, minReplicas: Math.max(keda.minReplicaCount, 1) };
}

export interface PoolDecision extends Decision {
  activation: Activation;
  state: ActivationState;
  /** Which controller took the decision this pass. */
  by: "keda" | "hpa";
}

/** One pass of KEDA's executor followed, when it leaves the work to it, by the HPA's reconcile. */
export function reconcilePool(
  hpa: HorizontalPolicy,
  keda: ActivationPolicy,
  memory: AutoscalerMemory,
  state: ActivationState,
  input: ReconcileInput,
): PoolDecision {
  const triggers = hpa.metrics.filter(
    (m): m is TriggerSpec => m.kind === "external-average" || m.kind === "external-value",
  );
  const act = activation(triggers, input.readings);
  const current = input.currentReplicas;
  const keep = (desiredReplicas: number, reason: Decision["reason"], next: ActivationState) => ({
    desiredReplicas,
    reason,
    proposals: {},
    memory,
    activation: act,
    state: next,
    by: "keda" as const,
  });

  if (act.active) {
    const next = { lastActiveAt: input.now };
    // scaleFromZeroOrIdle
    if (current === 0) return keep(Math.max(keda.minReplicaCount, 1), "below-min", next);
    return {
      ...reconcileHorizontal(generatedHorizontalPolicy(hpa, keda), memory, input),
      activation: act,
      state: next,
      by: "hpa",
    };
  }
  if (!act.errored && current > 0 && keda.minReplicaCount === 0) {
    // scaleToZeroOrIdle: only once the cooldown since the last activity has passed.
    const cooled =
      state.lastActiveAt === undefined ||
      state.lastActiveAt + keda.cooldownPeriodSeconds * 1000 < input.now;
    if (cooled) return keep(0, "desired-within-range", state);
    // Still inside the cooldown: the HPA keeps its floor of one.
  }
  if (current < keda.minReplicaCount) return keep(keda.minReplicaCount, "below-min", state);
  if (current === 0) return keep(0, "desired-within-range", state);
  return {
    ...reconcileHorizontal(generatedHorizontalPolicy(hpa, keda), memory, input),
    activation: act,
    state,
    by: "hpa",
  };
}
