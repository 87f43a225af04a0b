/** The shape every rendered document shares; the builders return precise kubernetes-types. */
import type { ObjectMeta } from "kubernetes-types/meta/v1";

export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** `kind/name` for messages. */
export function ref(doc: Manifest): string {
  return `${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
}
