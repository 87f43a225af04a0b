/** Every container declares CPU and memory requests (scheduling, HPA math) and limits. */
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { podWorkloads } from "./workloads.ts";

export function checkResources(docs: readonly Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const w of podWorkloads(docs)) {
    for (const c of [...(w.spec.initContainers ?? []), ...w.spec.containers]) {
      for (const kind of ["requests", "limits"] as const) {
        for (const res of ["cpu", "memory"]) {
          if (c.resources?.[kind]?.[res] === undefined) {
            out.push({
              policy: "resources",
              document: w.ref,
              message: `container ${c.name} has no ${kind}.${res}`,
            });
          }
        }
      }
    }
  }
  return out;
}
