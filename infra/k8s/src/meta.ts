/**
 * Names and labels shared by every generated object. Network policies, PDBs and Services select
 * pods only through the labels made here, so a renamed workload cannot silently lose an edge.
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { type Deployable, type DeployableName, WORKER_POOLS } from "./deployables.ts";
import type { EnvironmentSpec } from "./environments.ts";

export const PART_OF = "agora";

export const LABEL = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  component: "app.kubernetes.io/component",
  version: "app.kubernetes.io/version",
  /** The deployable a pod runs (all realtime gateways share `realtime`). */
  deployable: "agora.example/deployable",
  tier: "agora.example/tier",
  /** Client roles, derived from the env groups a deployable reads: the network edges select them. */
  dbClient: "agora.example/db-client",
  redisClient: "agora.example/redis-client",
  etcdClient: "agora.example/etcd-client",
  paymentSimClient: "agora.example/payment-sim-client",
  mediaClient: "agora.example/media-client",
  inventoryClient: "agora.example/inventory-client",
  metrics: "agora.example/metrics",
  opsConsole: "agora.example/ops-console",
} as const;

/** Kubernetes name of a deployable: worker pools are `workers-<pool>` (its AGORA_SERVICE_NAME too). */
export function workloadName(name: DeployableName): string {
  return (WORKER_POOLS as readonly string[]).includes(name) ? `workers-${name}` : name;
}

export function metadata(
  env: EnvironmentSpec,
  name: string,
  labels: Record<string, string> = {},
): ObjectMeta {
  return { name, namespace: env.namespace, labels: { [LABEL.partOf]: PART_OF, ...labels } };
}

/** Labels of a pod running a deployable: identity plus the client roles its env groups imply. */
export function podLabels(d: Deployable, name: string): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.name]: name,
    [LABEL.partOf]: PART_OF,
    [LABEL.component]: d.tier,
    [LABEL.deployable]: d.name,
    [LABEL.tier]: d.tier,
  };
  const flag = (on: boolean, key: string) => {
    if (on) labels[key] = "true";
  };
  flag(d.env.includes("database"), LABEL.dbClient);
  flag(d.env.includes("redis"), LABEL.redisClient);
  flag(d.env.includes("etcd"), LABEL.etcdClient);
  flag(d.env.includes("payment-provider") || d.env.includes("carrier"), LABEL.paymentSimClient);
  flag(d.env.includes("media"), LABEL.mediaClient);
  flag(d.env.includes("inventory"), LABEL.inventoryClient);
  flag(d.metrics || d.tier === "web", LABEL.metrics);
  flag(d.name === "ops-console", LABEL.opsConsole);
  return labels;
}

/** In-cluster DNS name of a Service. */
export function serviceHost(env: EnvironmentSpec, service: string): string {
  return `${service}.${env.namespace}.svc.cluster.local`;
}

/** The names a caller in the cluster may use for a Service (a certificate's dnsNames). */
export function serviceNames(env: EnvironmentSpec, service: string): string[] {
  return [service, `${service}.${env.namespace}.svc`, serviceHost(env, service)];
}
