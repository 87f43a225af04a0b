/**
 * KEDA ScaledObjects of the worker pools: replicas follow BullMQ queue depth.
 *
 * How the count maps to BullMQ keys (default prefix `bull`): a waiting job's id sits in the list
 * `bull:<queue>:wait`; a waiting job added with a priority sits in the sorted set
 * `bull:<queue>:prioritized` instead; delayed jobs (`:delayed`) and jobs being processed
 * (`:active`) are not backlog. KEDA's Redis scalers read a key's length by its type (LLEN for a
 * list, ZCARD for a sorted set), so each queue gets two triggers, one per key. KEDA hands every
 * trigger to the HPA as its own metric and the HPA takes the largest recommendation: replicas =
 * ceil(max over keys of length / jobsPerReplica), bounded by min/max, an approximation of the sum
 * that errs low only while both kinds of jobs pile up at once.
 *
 * The triggers use `redis-sentinel`: KEDA asks the Sentinels for the master, like every client.
 */
import type { IScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import type { ITriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import type { WorkerPool } from "../deployables.ts";
import { SECRETS } from "../env-table.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata, workloadName } from "../meta.ts";
import { REDIS, sentinelAddresses } from "../data/redis.ts";
import { SCALING } from "../scaling.ts";

export const BULLMQ_PREFIX = "bull";
export const REDIS_TRIGGER_AUTH = "agora-redis";

export type ScaledObjectDoc = IScaledObject & {
  apiVersion: "keda.sh/v1alpha1";
  kind: "ScaledObject";
};
export type TriggerAuthenticationDoc = ITriggerAuthentication & {
  apiVersion: "keda.sh/v1alpha1";
  kind: "TriggerAuthentication";
};

/** The Redis keys whose length is a queue's backlog. */
export function backlogKeys(queue: string): string[] {
  return [`${BULLMQ_PREFIX}:${queue}:wait`, `${BULLMQ_PREFIX}:${queue}:prioritized`];
}

export function redisTriggerAuthentication(env: EnvironmentSpec): TriggerAuthenticationDoc {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "TriggerAuthentication",
    metadata: metadata(env, REDIS_TRIGGER_AUTH),
    spec: {
      secretTargetRef: [
        { parameter: "password", name: SECRETS.redis, key: "AGORA_REDIS_PASSWORD" },
      ],
    },
  };
}

export function poolScaledObject(env: EnvironmentSpec, pool: WorkerPool): ScaledObjectDoc {
  const s = SCALING[env.name].pools[pool];
  const name = workloadName(pool);
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: metadata(env, name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicaCount: s.minReplicas,
      maxReplicaCount: s.maxReplicas,
      pollingInterval: s.pollingIntervalSeconds,
      cooldownPeriod: s.cooldownPeriodSeconds,
      triggers: s.queues.flatMap((queue) =>
        backlogKeys(queue).map((key) => ({
          type: "redis-sentinel",
          authenticationRef: { name: REDIS_TRIGGER_AUTH },
          metadata: {
            addresses: sentinelAddresses(env).join(","),
            sentinelMaster: REDIS.masterName,
            listName: key,
            listLength: String(s.jobsPerReplica),
            // Only pools allowed to sleep (min 0) wake on the first waiting job; others never sleep.
            activationListLength: String(s.activationJobs),
          },
        })),
      ),
    },
  };
}
