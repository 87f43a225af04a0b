/** The pod-bearing documents a policy looks into, with their pod labels and spec. */
import type { PodSpec } from "kubernetes-types/core/v1";
import { type Manifest, ref } from "../manifest.ts";

export interface PodWorkload {
  ref: string;
  kind: string;
  labels: Record<string, string>;
  spec: PodSpec;
}

interface WithTemplate {
  spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec } };
}

const POD_KINDS = ["Deployment", "StatefulSet", "Rollout", "Job"];

export function podWorkloads(docs: readonly Manifest[]): PodWorkload[] {
  return docs
    .filter((d) => POD_KINDS.includes(d.kind ?? ""))
    .map((d) => {
      const t = (d as WithTemplate).spec?.template;
      return {
        ref: ref(d),
        kind: d.kind ?? "",
        labels: t?.metadata?.labels ?? {},
        spec: t?.spec ?? { containers: [] },
      };
    });
}

/** Long-running workloads: the ones that must have probes and a disruption budget. */
export function servingWorkloads(docs: readonly Manifest[]): PodWorkload[] {
  return podWorkloads(docs).filter((w) => w.kind !== "Job");
}

/** True when every key of `selector` has the same value in `labels` (a matchLabels match). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export const isAgoraImage = (image: string | undefined) => (image ?? "").startsWith("agora/");
