/**
 * What the local autoscaler scales, built from the `local` row of the one scaling table: the
 * storefront tier (instances `storefront-<k>` on the topology's storefront slots) and each worker
 * pool whose row allows more than one size (processes `workers-<pool>`, `workers-<pool>-2`, …).
 * Fixed-size rows (min = max, e.g. maintenance, which owns job schedulers and leader-elected
 * loops) are left to the supervisor alone.
 */
import { WORKER_POOLS, type WorkerPool } from "@agora/config";
import type { ActivationPolicy, HorizontalPolicy } from "@agora/autoscaling";
import { POOL_QUEUES, poolPolicy, webPolicy } from "@agora/autoscaling/targets";
import { storefrontPorts, type Topology } from "../topology.ts";

interface TargetBase {
  /** Target name in decisions and charts: `storefront`, `workers-sagas`. */
  name: string;
  horizontal: HorizontalPolicy;
  /** Process name of instance k (1-based). */
  instanceName: (k: number) => string;
  /** Most instances there are names (ports, slots) for. */
  slots: number;
}

export interface WebTarget extends TargetBase {
  kind: "web";
  /** HAProxy backend whose `show stat` rows carry the instances' requests in flight. */
  backend: string;
  /** The CPU an instance is sized for (a pod's request): utilisation is usage / this. */
  cpuRequestMillicores: number;
}

export interface PoolTarget extends TargetBase {
  kind: "pool";
  activation: ActivationPolicy;
  queues: readonly string[];
}

export type LocalTarget = WebTarget | PoolTarget;

/** The process names of a target's slots, instance 1 first. */
export function slotNames(target: Pick<LocalTarget, "slots" | "instanceName">): string[] {
  return Array.from({ length: target.slots }, (_, i) => target.instanceName(i + 1));
}

/**
 * Two instances on one core at the target utilisation is what the box gives the web tier while
 * the data tier runs beside it: an instance's "request" is half a core.
 */
export const STOREFRONT_CPU_REQUEST_MILLICORES = 500;

/** What one worker-pool process is sized for when the host decides whether another one fits. */
export const POOL_CPU_REQUEST_MILLICORES = 250;

export const poolInstanceName = (pool: string) => (k: number) => (k === 1 ? `workers-${pool}` : `workers-${pool}-${k}`);

export function localTargets(t: Topology): LocalTarget[] {
  const storefront: WebTarget = {
    kind: "web",
    name: "storefront",
    horizontal: webPolicy("local", "storefront"),
    instanceName: (k) => `storefront-${k}`,
    slots: storefrontPorts(t).length,
    backend: "storefront_gateway",
    cpuRequestMillicores: STOREFRONT_CPU_REQUEST_MILLICORES,
  };
  const pools = WORKER_POOLS.map((pool: WorkerPool): PoolTarget => {
    const p = poolPolicy("local", pool);
    return {
      kind: "pool",
      name: `workers-${pool}`,
      horizontal: p.horizontal,
      activation: p.activation,
      queues: POOL_QUEUES[pool],
      instanceName: poolInstanceName(pool),
      slots: p.horizontal.maxReplicas,
    };
  }).filter((p) => p.activation.minReplicaCount !== p.horizontal.maxReplicas);
  return [storefront, ...pools];
}
