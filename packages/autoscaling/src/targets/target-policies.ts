/**
 * Each scalable target's row of the scaling table as a `@agora/autoscaling` policy: the HPA and
 * ScaledObject generators render from these, and the decision core evaluates them, so the numbers
 * a cluster scales by and the numbers a local loop scales by cannot drift apart.
 */
import type { WebApp, WorkerPool } from "@agora/config";
import type { ActivationPolicy, HorizontalPolicy, MetricSpec } from "../policy.ts";
import { SCALING, type ScalingEnvironment } from "./scaling-table.ts";

/** Prefix of BullMQ's Redis keys (BullMQ's default, which Agora keeps). */
export const BULLMQ_PREFIX = "bull";
/** The per-pod metric a Prometheus adapter serves to the HPA (`type: Pods`). */
export const IN_FLIGHT_METRIC = "agora_trpc_in_flight_requests";
/** The gauge the worker pools export per queue (apps/workers/src/pools/run-pool.ts). */
export const OLDEST_JOB_METRIC = "agora_queue_oldest_waiting_seconds";

/** The Redis keys whose length is a queue's backlog: `wait` (a list) and `prioritized` (a sorted set). */
export function backlogKeys(queue: string): string[] {
  return [`${BULLMQ_PREFIX}:${queue}:wait`, `${BULLMQ_PREFIX}:${queue}:prioritized`];
}

/** The oldest waiting job over a pool's queues, as a PromQL query. */
export function oldestJobQuery(queues: readonly string[]): string {
  return `max(${OLDEST_JOB_METRIC}{queue=~"${queues.map((q) => q.replace(/\./g, "\\\\.")).join("|")}"})`;
}

/** Web tier: CPU utilisation and calls in flight per instance; the HPA takes the larger proposal. */
export function webPolicy(env: ScalingEnvironment, app: WebApp): HorizontalPolicy {
  const s = SCALING[env].web[app];
  return {
    minReplicas: s.minReplicas,
    maxReplicas: s.maxReplicas,
    metrics: [
      { kind: "resource-utilization", name: "cpu", targetUtilizationPercent: s.targetCpuPercent },
      { kind: "pods-average", name: IN_FLIGHT_METRIC, targetAverageValue: s.inFlightPerInstance },
    ],
    behavior: s.behavior,
  };
}

export interface PoolPolicy {
  horizontal: HorizontalPolicy;
  activation: ActivationPolicy;
}

/**
 * Worker pool: one backlog metric per Redis key (KEDA makes each trigger its own External metric,
 * AverageValue = jobs per replica) and the oldest job's age (a Value target: not divided by pods).
 */
export function poolPolicy(env: ScalingEnvironment, pool: WorkerPool): PoolPolicy {
  const s = SCALING[env].pools[pool];
  const backlog: MetricSpec[] = s.queues.flatMap((queue) =>
    backlogKeys(queue).map((key) => ({
      kind: "external-average" as const,
      name: key,
      targetAverageValue: s.jobsPerReplica,
      activationThreshold: s.activationJobs,
    })),
  );
  return {
    horizontal: {
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      metrics: [
        ...backlog,
        {
          kind: "external-value",
          name: oldestJobQuery(s.queues),
          targetValue: s.oldestJobAgeSeconds,
          activationThreshold: s.activationOldestJobAgeSeconds,
        },
      ],
      behavior: s.behavior,
    },
    activation: {
      minReplicaCount: s.minReplicas,
      cooldownPeriodSeconds: s.cooldownPeriodSeconds,
      pollingIntervalSeconds: s.pollingIntervalSeconds,
    },
  };
}
