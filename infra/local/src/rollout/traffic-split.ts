/**
 * Request shares as HAProxy server weights: with S ready stable and C ready canary servers and a
 * canary share w %, each stable server weighs (100 - w)·C and each canary w·S, so the canary set
 * receives exactly w % of new requests whatever S and C are (scaled into HAProxy's 0..256).
 * Instances of any other version count as stable (e.g. the autoscaler's new instances).
 */
import type { TrafficSplit } from "./rollout-state.ts";

export const HAPROXY_MAX_WEIGHT = 256;

export function versionWeights(split: TrafficSplit, stableServers: number, canaryServers: number): { stable: number; canary: number } {
  const w = split.canaryVersion && canaryServers > 0 ? split.canaryWeight : 0;
  if (w === 0) return { stable: 100, canary: 0 };
  if (w === 100 || stableServers === 0) return { stable: 0, canary: 100 };
  let stable = (100 - w) * canaryServers;
  let canary = w * stableServers;
  const top = Math.max(stable, canary);
  if (top > HAPROXY_MAX_WEIGHT) {
    stable = Math.max(1, Math.round((stable * HAPROXY_MAX_WEIGHT) / top));
    canary = Math.max(1, Math.round((canary * HAPROXY_MAX_WEIGHT) / top));
  }
  return { stable, canary };
}

/** Weight per instance (by version) for the members of one service. */
export function instanceWeights<I extends { version: string; ready: boolean }>(split: TrafficSplit, members: readonly I[]): (i: I) => number {
  const ready = members.filter((m) => m.ready);
  const canaryServers = ready.filter((m) => m.version === split.canaryVersion).length;
  const w = versionWeights(split, ready.length - canaryServers, canaryServers);
  return (i) => (split.canaryVersion && i.version === split.canaryVersion ? w.canary : w.stable);
}
