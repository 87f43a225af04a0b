/** A Deployment per workload instance; replicas are omitted where an HPA or KEDA owns them. */
import type { Deployment } from "kubernetes-types/apps/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { LABEL, metadata } from "../meta.ts";
import type { WorkloadInstance } from "./instances.ts";
import { podTemplate } from "./pod-template.ts";

export function selectorOf(inst: WorkloadInstance): Record<string, string> {
  return { [LABEL.name]: inst.name };
}

export function deployment(
  inst: WorkloadInstance,
  env: EnvironmentSpec,
  version: string,
): Deployment {
  const template = podTemplate(inst, env, version);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(env, inst.name, { ...template.metadata?.labels, [LABEL.version]: version }),
    spec: {
      ...(inst.replicas !== undefined ? { replicas: inst.replicas } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(inst) },
      // Never below the current capacity during a rollout: surge first, then retire.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template,
    },
  };
}
