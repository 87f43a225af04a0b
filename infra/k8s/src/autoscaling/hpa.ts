/** HorizontalPodAutoscalers (autoscaling/v2) of the web tier, from the scaling table. */
import type { HorizontalPodAutoscaler, HPAScalingRules } from "kubernetes-types/autoscaling/v2";
import type { WebApp } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";
import { SCALING, type ScalingPolicy } from "../scaling.ts";

function rules(p: ScalingPolicy): HPAScalingRules {
  return {
    stabilizationWindowSeconds: p.stabilizationWindowSeconds,
    selectPolicy: p.select,
    policies: [
      { type: "Pods", value: p.pods, periodSeconds: p.periodSeconds },
      { type: "Percent", value: p.percent, periodSeconds: p.periodSeconds },
    ],
  };
}

/** `target` is the scaled object: a Deployment, or the storefront's Argo Rollout. */
export function webAutoscaler(
  env: EnvironmentSpec,
  app: WebApp,
  target: { apiVersion: string; kind: string },
): HorizontalPodAutoscaler {
  const s = SCALING[env.name].web[app];
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(env, app),
    spec: {
      scaleTargetRef: { ...target, name: app },
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: s.targetCpuPercent },
          },
        },
      ],
      behavior: { scaleUp: rules(s.scaleUp), scaleDown: rules(s.scaleDown) },
    },
  };
}
