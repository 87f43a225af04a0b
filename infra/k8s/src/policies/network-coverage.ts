/**
 * Every Service's pods are the target of some NetworkPolicy that allows ingress: with the
 * namespace's default deny, a Service nobody may reach is a mistake (or a forgotten edge). The
 * default-deny policy itself (no ingress rules) does not count.
 */
import type { Service } from "kubernetes-types/core/v1";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import { type Manifest, ref } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { podWorkloads, selects } from "./workloads.ts";

export function checkNetworkCoverage(docs: readonly Manifest[]): Violation[] {
  const policies = docs.filter((d): d is NetworkPolicy => d.kind === "NetworkPolicy");
  const allowing = policies.filter((p) => (p.spec?.ingress?.length ?? 0) > 0);
  const hasDefaultDeny = policies.some(
    (p) =>
      Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
      !p.spec?.ingress?.length &&
      p.spec?.policyTypes?.includes("Ingress"),
  );
  const out: Violation[] = [];
  if (!hasDefaultDeny)
    out.push({
      policy: "network",
      document: "namespace",
      message: "no default-deny NetworkPolicy",
    });
  const workloads = podWorkloads(docs);
  for (const svc of docs.filter((d): d is Service => d.kind === "Service")) {
    const backends = workloads.filter((w) => selects(svc.spec?.selector, w.labels));
    if (backends.length === 0) {
      out.push({
        policy: "network",
        document: ref(svc),
        message: "selects no pods of any rendered workload",
      });
      continue;
    }
    for (const w of backends) {
      if (!allowing.some((p) => selects(p.spec?.podSelector?.matchLabels ?? {}, w.labels))) {
        out.push({
          policy: "network",
          document: ref(svc),
          message: `pods of ${w.ref} are selected by no ingress-allowing NetworkPolicy`,
        });
      }
    }
  }
  return out;
}
