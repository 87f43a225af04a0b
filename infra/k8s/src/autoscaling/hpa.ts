/** HorizontalPodAutoscalers (autoscaling/v2) of the web tier, rendered from their policies. */
import type { Behavior, MetricSpec } from "@agora/autoscaling";
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerBehavior,
  MetricSpec as K8sMetricSpec,
} from "kubernetes-types/autoscaling/v2";
import type { WebApp } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";
import { webPolicy } from "./policy.ts";

/** `spec.behavior` from the policy's behaviour (the shapes are the same by design). */
export function hpaBehavior(b: Behavior): HorizontalPodAutoscalerBehavior {
  const rules = (r: Behavior["scaleUp"]) => ({
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: r.selectPolicy,
    policies: r.policies.map((p) => ({
      type: p.type,
      value: p.value,
      periodSeconds: p.periodSeconds,
    })),
  });
  return { scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) };
}

function hpaMetric(m: MetricSpec): K8sMetricSpec {
  switch (m.kind) {
    case "resource-utilization":
      return {
        type: "Resource",
        resource: {
          name: m.name,
          target: { type: "Utilization", averageUtilization: m.targetUtilizationPercent },
        },
      };
    case "pods-average":
      return {
        type: "Pods",
        pods: {
          metric: { name: m.name },
          target: { type: "AverageValue", averageValue: String(m.targetAverageValue) },
        },
      };
    case "external-average":
      return {
        type: "External",
        external: {
          metric: { name: m.name },
          target: { type: "AverageValue", averageValue: String(m.targetAverageValue) },
        },
      };
    case "external-value":
      return {
        type: "External",
        external: {
          metric: { name: m.name },
          target: { type: "Value", value: String(m.targetValue) },
        },
      };
  }
}

/** `target` is the scaled object: a Deployment, or the storefront's Argo Rollout. */
export function webAutoscaler(
  env: EnvironmentSpec,
  app: WebApp,
  target: { apiVersion: string; kind: string },
): HorizontalPodAutoscaler {
  const p = webPolicy(env.name, app);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(env, app),
    spec: {
      scaleTargetRef: { ...target, name: app },
      minReplicas: p.minReplicas,
      maxReplicas: p.maxReplicas,
      metrics: p.metrics.map(hpaMetric),
      behavior: hpaBehavior(p.behavior),
    },
  };
}
