/**
 * The storefront ships through an Argo Rollouts canary instead of a plain Deployment: 10 % → 25 %
 * → 50 % → 100 % of the traffic (ingress-nginx canary weights), with an analysis running from the
 * first step that aborts and rolls back when the canary's tRPC error rate or p95 latency is worse
 * than the bounds below. The HPA scales the Rollout like a Deployment.
 *
 * The queries filter on `rollouts_pod_template_hash`: Prometheus' Kubernetes service discovery
 * copies pod labels onto the scraped series (labelmap), and Argo labels canary pods with that hash.
 */
import type { IAnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { LABEL, metadata } from "../meta.ts";
import { STOREFRONT_INGRESS } from "../network/ingress.ts";

export const STOREFRONT_ANALYSIS = "storefront-canary-health";
export const CANARY_SERVICE = "storefront-canary";
export const CANARY_BOUNDS = { maxErrorRate: 0.01, maxP95Seconds: 0.5 } as const;

export type RolloutDoc = IRollout;
export type AnalysisTemplateDoc = IAnalysisTemplate;

const window = "2m";
const sel = `app_kubernetes_io_name="storefront",rollouts_pod_template_hash="{{args.canary-hash}}"`;

export function storefrontAnalysis(env: EnvironmentSpec): AnalysisTemplateDoc {
  const prometheus = (query: string) => ({ prometheus: { address: env.prometheus.url, query } });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AnalysisTemplate",
    metadata: metadata(env, STOREFRONT_ANALYSIS),
    spec: {
      args: [{ name: "canary-hash" }],
      metrics: [
        {
          name: "error-rate",
          interval: "1m",
          count: 5,
          failureLimit: 1,
          successCondition: `len(result) == 0 || isNaN(result[0]) || result[0] < ${CANARY_BOUNDS.maxErrorRate}`,
          provider: prometheus(
            `sum(rate(agora_trpc_requests_total{${sel},status="error"}[${window}])) / sum(rate(agora_trpc_requests_total{${sel}}[${window}]))`,
          ),
        },
        {
          name: "p95-latency",
          interval: "1m",
          count: 5,
          failureLimit: 1,
          successCondition: `len(result) == 0 || isNaN(result[0]) || result[0] < ${CANARY_BOUNDS.maxP95Seconds}`,
          provider: prometheus(
            `histogram_quantile(0.95, sum by (le) (rate(agora_trpc_duration_seconds_bucket{${sel}}[${window}])))`,
          ),
        },
      ],
    },
  };
}

export function storefrontRollout(
  env: EnvironmentSpec,
  template: PodTemplateSpec,
  version: string,
): RolloutDoc {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: metadata(env, "storefront", {
      ...template.metadata?.labels,
      [LABEL.version]: version,
    }),
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: { [LABEL.name]: "storefront" } },
      // Typed boundary: the Rollout model types its pod template with its own copy of the core
      // types; the object is the same PodTemplateSpec the Deployments use.
      template: template as unknown as NonNullable<IRollout["spec"]["template"]>,
      strategy: {
        canary: {
          stableService: "storefront",
          canaryService: CANARY_SERVICE,
          trafficRouting: { nginx: { stableIngress: STOREFRONT_INGRESS } },
          maxSurge: "25%",
          maxUnavailable: 0,
          analysis: {
            templates: [{ templateName: STOREFRONT_ANALYSIS }],
            startingStep: 1,
            args: [{ name: "canary-hash", valueFrom: { podTemplateHashValue: "Latest" } }],
          },
          steps: [
            { setWeight: 10 },
            { pause: { duration: "5m" } },
            { setWeight: 25 },
            { pause: { duration: "5m" } },
            { setWeight: 50 },
            { pause: { duration: "10m" } },
          ],
        },
      },
    },
  };
}
