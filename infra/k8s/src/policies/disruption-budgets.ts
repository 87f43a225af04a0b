/** Every Deployment/StatefulSet/Rollout has a PodDisruptionBudget selecting its pods. */
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { selects, servingWorkloads } from "./workloads.ts";

export function checkDisruptionBudgets(docs: readonly Manifest[]): Violation[] {
  const pdbs = docs.filter((d): d is PodDisruptionBudget => d.kind === "PodDisruptionBudget");
  return servingWorkloads(docs)
    .filter((w) => !pdbs.some((p) => selects(p.spec?.selector?.matchLabels, w.labels)))
    .map((w) => ({
      policy: "disruption-budget",
      document: w.ref,
      message: "no PodDisruptionBudget selects its pods",
    }));
}
