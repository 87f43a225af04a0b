/**
 * One PDB per workload: a node drain may take at most one pod of it at a time. `maxUnavailable`
 * (not `minAvailable`) so a single-replica workload can still be drained.
 */
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";

export function podDisruptionBudget(
  env: EnvironmentSpec,
  name: string,
  selector: Record<string, string>,
): PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: metadata(env, name),
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  };
}
