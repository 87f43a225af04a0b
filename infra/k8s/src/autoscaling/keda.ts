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
 * A `prometheus` trigger adds the oldest waiting job's age as a `Value` metric (not divided by
 * pods): a queue that is short but stuck still gets more workers. The HPA KEDA generates gets the
 * pool's `behavior` explicitly, so the numbers are the ones the decision core evaluates.
 */
import type { IScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import type { ITriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import type { WorkerPool } from "../deployables.ts";
import { SECRETS } from "../env-table.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata, workloadName } from "../meta.ts";
import { REDIS, sentinelAddresses } from "../data/redis.ts";
import { REDIS_TLS_SECRET } from "../security/service-tls-files.ts";
import { hpaBehavior } from "./hpa.ts";
import { poolPolicy } from "./policy.ts";

export { BULLMQ_PREFIX, backlogKeys } from "./policy.ts";
export const REDIS_TRIGGER_AUTH = "agora-redis";

export type ScaledObjectDoc = IScaledObject & {
  apiVersion: "keda.sh/v1alpha1";
  kind: "ScaledObject";
};
export type TriggerAuthenticationDoc = ITriggerAuthentication & {
  apiVersion: "keda.sh/v1alpha1";
  kind: "TriggerAuthentication";
};

export function redisTriggerAuthentication(env: EnvironmentSpec): TriggerAuthenticationDoc {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "TriggerAuthentication",
    metadata: metadata(env, REDIS_TRIGGER_AUTH),
    spec: {
      secretTargetRef: [
        { parameter: "password", name: SECRETS.redis, key: "AGORA_REDIS_PASSWORD" },
        // Redis and the Sentinels speak mutual TLS only: KEDA verifies them against the internal
        // CA and presents the Redis certificate (client auth too), as the Sentinels do.
        { parameter: "ca", name: REDIS_TLS_SECRET, key: "ca.crt" },
        { parameter: "cert", name: REDIS_TLS_SECRET, key: "tls.crt" },
        { parameter: "key", name: REDIS_TLS_SECRET, key: "tls.key" },
      ],
    },
  };
}

export function poolScaledObject(env: EnvironmentSpec, pool: WorkerPool): ScaledObjectDoc {
  const { horizontal, activation } = poolPolicy(env.name, pool);
  const name = workloadName(pool);
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: metadata(env, name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicaCount: activation.minReplicaCount,
      maxReplicaCount: horizontal.maxReplicas,
      pollingInterval: activation.pollingIntervalSeconds,
      cooldownPeriod: activation.cooldownPeriodSeconds,
      advanced: { horizontalPodAutoscalerConfig: { behavior: hpaBehavior(horizontal.behavior) } },
      triggers: horizontal.metrics.map((m): ScaledObjectDoc["spec"]["triggers"][number] => {
        switch (m.kind) {
          case "external-average":
            return {
              type: "redis-sentinel",
              metricType: "AverageValue",
              authenticationRef: { name: REDIS_TRIGGER_AUTH },
              metadata: {
                addresses: sentinelAddresses(env).join(","),
                sentinelMaster: REDIS.masterName,
                enableTLS: "true",
                listName: m.name,
                listLength: String(m.targetAverageValue),
                // KEDA activates on a value strictly above this: 0 wakes a sleeping pool on its first job.
                activationListLength: String(m.activationThreshold),
              },
            };
          case "external-value":
            return {
              type: "prometheus",
              metricType: "Value",
              metadata: {
                serverAddress: env.prometheus.url,
                query: m.name,
                threshold: String(m.targetValue),
                activationThreshold: String(m.activationThreshold),
              },
            };
          default:
            throw new Error(`a worker pool cannot scale on a ${m.kind} metric`);
        }
      }),
    },
  };
}
