/** No container may run as root: runAsNonRoot on the container or inherited from the pod. */
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { podWorkloads } from "./workloads.ts";

export function checkNonRoot(docs: readonly Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const w of podWorkloads(docs)) {
    const podLevel = w.spec.securityContext?.runAsNonRoot;
    for (const c of [...(w.spec.initContainers ?? []), ...w.spec.containers]) {
      const effective = c.securityContext?.runAsNonRoot ?? podLevel;
      if (effective !== true)
        out.push({
          policy: "non-root",
          document: w.ref,
          message: `container ${c.name} may run as root`,
        });
      if (c.securityContext?.allowPrivilegeEscalation !== false) {
        out.push({
          policy: "non-root",
          document: w.ref,
          message: `container ${c.name} allows privilege escalation`,
        });
      }
    }
  }
  return out;
}
