/**
 * The concrete workloads of an environment: one per deployable, except the realtime gateway, which
 * runs one Deployment per gateway instance (`realtime-1` … `realtime-n`) as the process name picks
 * the instance. Replicas are fixed only where no autoscaler owns them.
 */
import { ALL_DEPLOYABLES, type Deployable } from "../deployables.ts";
import type { EnvironmentSpec, FixedReplicaDeployable } from "../environments.ts";
import { workloadName } from "../meta.ts";

export interface WorkloadInstance {
  deployable: Deployable;
  /** Kubernetes object name; also the AGORA_SERVICE_NAME of its pods. */
  name: string;
  /** Argument after `node dist/main.js` for the workers image. */
  args: readonly string[];
  /** Undefined when an HPA or KEDA ScaledObject owns the replica count. */
  replicas?: number;
}

export function workloadInstances(env: EnvironmentSpec): WorkloadInstance[] {
  return ALL_DEPLOYABLES.flatMap((d): WorkloadInstance[] => {
    if (d.name === "realtime") {
      return Array.from({ length: env.realtimeGateways }, (_, i) => ({
        deployable: d,
        name: `realtime-${i + 1}`,
        args: [`realtime-${i + 1}`],
        replicas: env.replicas.realtime,
      }));
    }
    const fixed =
      d.name in env.replicas ? env.replicas[d.name as FixedReplicaDeployable] : undefined;
    return [{ deployable: d, name: workloadName(d.name), args: d.args, replicas: fixed }];
  });
}
