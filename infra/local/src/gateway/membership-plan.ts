/**
 * From registry membership to runtime API commands for one backend: each live instance gets a
 * server slot (the one already at its address, else a free one), its state follows its readiness
 * (ready → `ready`, not ready → `drain`: no new requests, open ones finish), and every slot
 * without an instance goes to `maint`. Only differences become commands, so applying the same
 * membership twice sends nothing.
 *
 * Fail open: when no live instance says it is ready (every readiness probe slow on a saturated
 * box, or the one ready instance draining for a scale-in while the other's probe hiccups), the
 * not-ready ones that are not draining are routed rather than none — draining them all would
 * answer every request with HAProxy's 503, while a not-ready instance usually still serves.
 * HAProxy's own health checks still keep a dead instance out; an instance told to stop is never
 * routed again. The same rule as an AWS load balancer whose targets all fail their checks, or
 * Envoy's panic threshold.
 */
import { hostPort, type ServiceInstance } from "@agora/registry/record";
import type { ServerSlot } from "./runtime-api.ts";

export interface BackendPlan {
  commands: string[];
  /** Instance id → slot name. */
  placed: Record<string, string>;
  /** Live instances that found no free slot (more instances than the backend declares). */
  unplaced: string[];
  /** No live instance was ready, so every one that is not draining is routed (see above). */
  failOpen: boolean;
}

/**
 * `weightOf` (optional, a rollout's traffic split): each instance's weight, set before the slot is
 * readied so a new canary never takes a request at the default weight.
 */
export function planBackend(
  backend: string,
  slots: readonly ServerSlot[],
  instances: readonly ServiceInstance[],
  weightOf?: (i: ServiceInstance) => number,
): BackendPlan {
  // One slot per address: if two records claim one address (a restart under a new id before the
  // old lease ran out), the newest registration wins.
  const byAddress = new Map<string, ServiceInstance>();
  for (const i of [...instances].sort((a, b) => a.registeredAt.localeCompare(b.registeredAt)))
    byAddress.set(i.address, i);
  const slotOf = new Map<string, ServerSlot>();
  const taken = new Set<string>();
  for (const [address, i] of byAddress) {
    const s = slots.find((x) => `${x.addr}:${x.port}` === address && !taken.has(x.name));
    if (s) {
      slotOf.set(i.instanceId, s);
      taken.add(s.name);
    }
  }
  // Free slots: those in maintenance first (unused), then by name.
  const free = slots
    .filter((s) => !taken.has(s.name))
    .sort((a, b) => Number(b.maint) - Number(a.maint) || a.name.localeCompare(b.name, "en", { numeric: true }));
  const unplaced: string[] = [];
  for (const i of byAddress.values()) {
    if (slotOf.has(i.instanceId)) continue;
    const s = free.shift();
    if (!s) {
      unplaced.push(i.instanceId);
      continue;
    }
    slotOf.set(i.instanceId, s);
    taken.add(s.name);
  }

  const failOpen = slotOf.size > 0 && ![...byAddress.values()].some((i) => i.ready && slotOf.has(i.instanceId));
  const routed = (i: ServiceInstance) => i.ready || (failOpen && !i.draining);
  // Addresses before states; readied slots before drained ones, so a swap (one instance ready,
  // another not) never passes through a moment with nothing routable.
  const addresses: string[] = [];
  const readies: string[] = [];
  const drains: string[] = [];
  const maints: string[] = [];
  // Weights first, raised ones before lowered ones: a switch never passes through a moment where
  // every server weighs 0 (HAProxy would answer 503), and a new slot has its weight before it is readied.
  const weights: { cmd: string; delta: number }[] = [];
  const placed: Record<string, string> = {};
  for (const i of byAddress.values()) {
    const s = slotOf.get(i.instanceId);
    if (!s) continue;
    placed[i.instanceId] = s.name;
    const server = `${backend}/${s.name}`;
    const { host, port } = hostPort(i.address);
    if (s.addr !== host || s.port !== port) addresses.push(`set server ${server} addr ${host} port ${port}`);
    const weight = weightOf?.(i);
    if (weight !== undefined && weight !== s.weight) weights.push({ cmd: `set server ${server} weight ${weight}`, delta: weight - s.weight });
    const ready = routed(i);
    if (ready ? s.maint || s.drain : s.maint || !s.drain) (ready ? readies : drains).push(`set server ${server} state ${ready ? "ready" : "drain"}`);
  }
  for (const s of slots) if (!taken.has(s.name) && !s.maint) maints.push(`set server ${backend}/${s.name} state maint`);
  const ordered = weights.sort((a, b) => b.delta - a.delta).map((w) => w.cmd);
  return { commands: [...ordered, ...addresses, ...readies, ...drains, ...maints], placed, unplaced, failOpen };
}
