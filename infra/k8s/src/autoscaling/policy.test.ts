/**
 * The manifests carry the same numbers as the policies the decision core evaluates: each rendered
 * HPA and ScaledObject is read back into a policy and compared with the scaling table's, and the
 * documents pass the same offline schema validation as every other manifest.
 */
import type { HorizontalPolicy, MetricSpec, ScalingRules } from "@agora/autoscaling";
import type {
  HorizontalPodAutoscaler,
  HPAScalingRules,
  MetricSpec as K8sMetricSpec,
} from "kubernetes-types/autoscaling/v2";
import { describe, expect, it } from "vitest";
import { WEB_APPS, WORKER_POOLS } from "../deployables.ts";
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from "../environments.ts";
import { validateDocuments } from "../validation/validate.ts";
import { webAutoscaler } from "./hpa.ts";
import { poolScaledObject, type ScaledObjectDoc } from "./keda.ts";
import { poolPolicy, webPolicy } from "./policy.ts";

function rulesOf(r: HPAScalingRules | undefined): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? Number.NaN,
    selectPolicy: r?.selectPolicy as ScalingRules["selectPolicy"],
    policies: (r?.policies ?? []).map((p) => ({
      type: p.type as "Pods" | "Percent",
      value: p.value,
      periodSeconds: p.periodSeconds,
    })),
  };
}

function metricOf(m: K8sMetricSpec): MetricSpec {
  if (m.type === "Resource" && m.resource?.target.type === "Utilization") {
    return {
      kind: "resource-utilization",
      name: m.resource.name as "cpu",
      targetUtilizationPercent: m.resource.target.averageUtilization ?? Number.NaN,
    };
  }
  if (m.type === "Pods" && m.pods?.target.type === "AverageValue") {
    return {
      kind: "pods-average",
      name: m.pods.metric.name,
      targetAverageValue: Number(m.pods.target.averageValue),
    };
  }
  throw new Error(`unexpected metric ${JSON.stringify(m)}`);
}

/** An HPA manifest as the policy it encodes. */
function policyOfHpa(hpa: HorizontalPodAutoscaler): HorizontalPolicy {
  const spec = hpa.spec;
  if (!spec) throw new Error("HPA without spec");
  return {
    minReplicas: spec.minReplicas ?? 1,
    maxReplicas: spec.maxReplicas,
    metrics: (spec.metrics ?? []).map(metricOf),
    behavior: {
      scaleUp: rulesOf(spec.behavior?.scaleUp),
      scaleDown: rulesOf(spec.behavior?.scaleDown),
    },
  };
}

/** A ScaledObject as the HPA policy KEDA derives from it (plus its activation part). */
function policyOfScaledObject(so: ScaledObjectDoc) {
  const behavior = so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
  const metrics = so.spec.triggers.map((t): MetricSpec => {
    const md = t.metadata as Record<string, string>;
    if (t.type === "redis-sentinel") {
      expect(t.metricType).toBe("AverageValue");
      return {
        kind: "external-average",
        name: md.listName ?? "",
        targetAverageValue: Number(md.listLength),
        activationThreshold: Number(md.activationListLength),
      };
    }
    expect(t).toMatchObject({ type: "prometheus", metricType: "Value" });
    return {
      kind: "external-value",
      name: md.query ?? "",
      targetValue: Number(md.threshold),
      activationThreshold: Number(md.activationThreshold),
    };
  });
  return {
    horizontal: {
      minReplicas: so.spec.minReplicaCount ?? 0,
      maxReplicas: so.spec.maxReplicaCount ?? 100,
      metrics,
      behavior: {
        scaleUp: rulesOf(behavior?.scaleUp as HPAScalingRules),
        scaleDown: rulesOf(behavior?.scaleDown as HPAScalingRules),
      },
    },
    activation: {
      minReplicaCount: so.spec.minReplicaCount ?? 0,
      cooldownPeriodSeconds: so.spec.cooldownPeriod ?? 300,
      pollingIntervalSeconds: so.spec.pollingInterval ?? 30,
    },
  };
}

const target = { apiVersion: "apps/v1", kind: "Deployment" };

describe.each(ENVIRONMENT_NAMES)("%s autoscaling manifests", (name) => {
  const env = ENVIRONMENTS[name];

  it.each(WEB_APPS)("the %s HPA encodes exactly its policy (CPU and calls in flight)", (app) => {
    const hpa = webAutoscaler(env, app, target);
    expect(policyOfHpa(hpa)).toEqual(webPolicy(name, app));
    expect(hpa.spec?.metrics?.map((m) => m.type)).toEqual(["Resource", "Pods"]);
  });

  it.each(WORKER_POOLS)(
    "the %s ScaledObject encodes exactly its policy (backlog, oldest job, activation)",
    (pool) => {
      expect(policyOfScaledObject(poolScaledObject(env, pool))).toEqual(poolPolicy(name, pool));
    },
  );

  it("validate against the autoscaling/v2 and KEDA schemas", () => {
    const docs = [
      ...WEB_APPS.map((app) => webAutoscaler(env, app, target)),
      ...WORKER_POOLS.map((pool) => poolScaledObject(env, pool)),
    ];
    expect(validateDocuments(docs)).toEqual([]);
  }, 120_000);
});
