/**
 * No two documents share kind, namespace and name: `kubectl apply` would silently let the later
 * one overwrite the earlier (two workloads generated with the same name, a PDB per gateway …).
 */
import { type Manifest, ref } from "../manifest.ts";
import type { Violation } from "./violation.ts";

export function checkUniqueNames(docs: readonly Manifest[]): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const d of docs) {
    const group = (d.apiVersion ?? "").includes("/") ? (d.apiVersion ?? "").split("/")[0] : "";
    const key = `${group}/${d.kind}/${d.metadata?.namespace ?? ""}/${d.metadata?.name ?? ""}`;
    if (seen.has(key))
      out.push({ policy: "unique-names", document: ref(d), message: "declared twice" });
    seen.add(key);
  }
  return out;
}
