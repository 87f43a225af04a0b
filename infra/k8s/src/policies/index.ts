/** Every policy, run over the documents of one environment. */
import type { Manifest } from "../manifest.ts";
import { checkConnectionBudget } from "./connection-budget.ts";
import { checkDisruptionBudgets } from "./disruption-budgets.ts";
import { checkEnvContract } from "./env-contract.ts";
import { checkImageTags } from "./image-tags.ts";
import { checkNetworkCoverage } from "./network-coverage.ts";
import { checkNonRoot } from "./non-root.ts";
import { checkProbes } from "./probes.ts";
import { checkResources } from "./resources.ts";
import { checkNoSecretData } from "./secrets.ts";
import { checkUniqueNames } from "./unique-names.ts";
import type { Violation } from "./violation.ts";

export type { Violation } from "./violation.ts";

export const POLICIES = {
  probes: checkProbes,
  resources: checkResources,
  "non-root": checkNonRoot,
  "disruption-budget": checkDisruptionBudgets,
  network: checkNetworkCoverage,
  secrets: checkNoSecretData,
  "image-tag": checkImageTags,
  env: checkEnvContract,
  "unique-names": checkUniqueNames,
  "connection-budget": checkConnectionBudget,
} as const satisfies Record<string, (docs: readonly Manifest[]) => Violation[]>;

export function checkPolicies(docs: readonly Manifest[]): Violation[] {
  return Object.values(POLICIES).flatMap((check) => check(docs));
}
