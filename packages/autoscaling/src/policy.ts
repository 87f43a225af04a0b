/**
 * What an autoscaled target declares: the metrics it follows and how fast it may change. The
 * shapes are Kubernetes' `autoscaling/v2` HorizontalPodAutoscaler spec and KEDA's ScaledObject,
 * so one policy can be rendered into manifests and evaluated by a local loop with the same result.
 */

/** One metric of an HPA, as `spec.metrics[]` declares it. */
export type MetricSpec =
  /** `type: Resource`, `target.type: Utilization`: mean usage as a percentage of the pods' requests. */
  | { kind: "resource-utilization"; name: "cpu" | "memory"; targetUtilizationPercent: number }
  /** `type: Pods`, `target.type: AverageValue`: a per-pod metric averaged over the pods. */
  | { kind: "pods-average"; name: string; targetAverageValue: number }
  /**
   * `type: External`, `target.type: AverageValue`: one total (a queue's backlog) shared by the pods.
   * This is what a KEDA trigger becomes by default (`metricType: AverageValue`).
   */
  | {
      kind: "external-average";
      name: string;
      targetAverageValue: number;
      activationThreshold: number;
    }
  /** `type: External`, `target.type: Value`: one number compared with the target as is (oldest job's age). */
  | { kind: "external-value"; name: string; targetValue: number; activationThreshold: number };

export type MetricName = MetricSpec["name"];

/** `HPAScalingPolicy`: at most `value` pods, or `value` % of the pods, per `periodSeconds`. */
export interface RatePolicy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}

/** `HPAScalingRules`: one direction of `spec.behavior`. */
export interface ScalingRules {
  stabilizationWindowSeconds: number;
  /** `Max` picks the policy allowing the biggest change, `Min` the smallest, `Disabled` forbids any. */
  selectPolicy: "Max" | "Min" | "Disabled";
  policies: readonly RatePolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

export interface HorizontalPolicy {
  minReplicas: number;
  maxReplicas: number;
  metrics: readonly MetricSpec[];
  behavior: Behavior;
}

/** KEDA's part: a pool that may sleep at zero replicas and wakes when a trigger is active. */
export interface ActivationPolicy {
  /** KEDA `minReplicaCount`; 0 lets the pool sleep. */
  minReplicaCount: number;
  /** KEDA `cooldownPeriod`: seconds since the last active poll before going back to 0. */
  cooldownPeriodSeconds: number;
  /** KEDA `pollingInterval`: how often activation is checked. */
  pollingIntervalSeconds: number;
}

/**
 * Defaults of `spec.behavior`, mirroring `GenerateHPAScaleUpRules`/`GenerateHPAScaleDownRules` in
 * kubernetes `pkg/apis/autoscaling/v2/defaults.go`: up by max(4 pods, 100 %) per 15 s with no
 * stabilisation; down by up to 100 % per 15 s after a 300 s stabilisation window.
 */
export const DEFAULT_BEHAVIOR: Behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
  },
};

/** kube-controller-manager's `--horizontal-pod-autoscaler-tolerance` default. */
export const DEFAULT_TOLERANCE = 0.1;
