/**
 * Which release a storefront process runs, as environment: the topology's own instances run the
 * current stable release (`release.json`, written when a rollout promotes), so a restart by the
 * supervisor brings back the promoted version, not the checkout's build.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceInstance } from "@agora/registry";
import type { Topology } from "../topology.ts";
import { type ReleaseSpec, releaseSpecSchema, readTrafficSplit } from "./rollout-state.ts";
import { instanceWeights } from "./traffic-split.ts";

/** The release the topology's own storefront instances run (absent: the checkout's build). */
export const stableReleaseFile = (t: Pick<Topology, "stateDir">): string => join(t.stateDir, "release.json");

export function readStableRelease(t: Pick<Topology, "stateDir">): ReleaseSpec | undefined {
  const file = stableReleaseFile(t);
  return existsSync(file) ? releaseSpecSchema.parse(JSON.parse(readFileSync(file, "utf8"))) : undefined;
}

/** Environment of a process of `release` (what makes it that release). */
export function releaseEnv(release: ReleaseSpec | undefined): Record<string, string> {
  if (!release) return {};
  return {
    AGORA_RELEASE: release.version,
    AGORA_FAULT_PRODUCT_READ_RATE: String(release.productReadFaultRate),
  };
}

/** For apps.ts: the topology's storefront instances start as the current stable release. */
export function stableReleaseEnv(t: Pick<Topology, "stateDir">, name: string): Record<string, string> {
  return /^storefront-\d+$/.test(name) ? releaseEnv(readStableRelease(t)) : {};
}

/** For the gateway sync in the supervisor: weights from the rollout's traffic split, if there is one. */
export function rolloutWeights(t: Pick<Topology, "stateDir">) {
  return (service: string, members: ServiceInstance[]): ((i: ServiceInstance) => number) | undefined => {
    if (service !== "storefront") return undefined;
    const split = readTrafficSplit(t.stateDir);
    return split ? instanceWeights(split, members) : undefined;
  };
}
