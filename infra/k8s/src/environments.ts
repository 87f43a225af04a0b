/**
 * The one typed table of what differs between Kubernetes environments: hosts, sizes, replica
 * counts of the fixed-size workloads, storage, data clusters. Autoscaling numbers live in
 * `scaling.ts` (a future local autoscaler reads those too); everything else per environment is here.
 */
import type { DeployableName } from "./deployables.ts";

export const ENVIRONMENT_NAMES = ["staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface ResourceSize {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface PostgresClusterSize {
  instances: number;
  /**
   * Each member's `max_connections`: the connection budget's sum at the workloads' maximum pods
   * must fit (policies/connection-budget.ts), and every backend costs memory (~5–10 MB).
   */
  maxConnections: number;
  volume: string;
  resources: ResourceSize;
}

export interface EnvironmentSpec {
  name: EnvironmentName;
  namespace: string;
  /** `AGORA_ENV` of every process: staging runs with real secrets too, so it is `production`. */
  agoraEnv: "production";
  hosts: {
    storefront: string;
    vendorPortal: string;
    opsConsole: string;
    cdn: string;
    /** The OpenID Connect provider (issuer). */
    identity: string;
  };
  ingressClassName: string;
  /** TLS certificate Secret of the Ingress (created by cert-manager or by hand, never in git). */
  tlsSecretName: string;
  /** Namespace of the ingress controller: the only source allowed to reach the web pods. */
  ingressNamespace: string;
  /** Namespace of the Zalando postgres-operator, which calls Patroni's REST API on every member. */
  postgresOperatorNamespace: string;
  /** Prometheus: scrapes /metrics (ingress from its namespace) and answers canary analysis queries. */
  prometheus: { namespace: string; url: string };
  /** Spilo pods use the Kubernetes API as Patroni's DCS: their egress must reach it. */
  apiServerCidr: string;
  /** Vendor shard clusters (the core cluster always exists). */
  shards: readonly string[];
  postgres: {
    version: "15";
    core: PostgresClusterSize;
    shard: PostgresClusterSize;
    storageClass: string;
  };
  redis: { volume: string; resources: ResourceSize; sentinelResources: ResourceSize };
  etcd: { members: 3; volume: string; resources: ResourceSize };
  /** Shared media + CSV import volume (`AGORA_STORAGE_DIR`): many writers, so ReadWriteMany. */
  storage: { size: string; storageClass: string };
  /** Realtime gateway instances (`realtime-1` … `realtime-n`), one Deployment each. */
  realtimeGateways: number;
  /** Replica counts of workloads no autoscaler owns (singletons run one leader + standbys). */
  replicas: Record<FixedReplicaDeployable, number>;
  resources: Record<DeployableName, ResourceSize>;
  /** Run the demo seed Job after migrations (never in production). */
  seed: boolean;
}

/** Deployables whose replica count is fixed here rather than owned by an HPA or KEDA. */
export type FixedReplicaDeployable =
  | "telemetry-collector"
  | "media-origin"
  | "outbox-relay"
  | "projections"
  | "payment-sim"
  | "realtime"
  | "inventory"
  | "identity";

const size = (
  cpu: string,
  memory: string,
  cpuLimit: string,
  memoryLimit: string,
): ResourceSize => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Next.js servers: ~250 MB resident after warm-up, CPU bursts on render. */
const web = size("250m", "384Mi", "1", "768Mi");
const workerSmall = size("100m", "192Mi", "500m", "384Mi");
const workerMedium = size("200m", "256Mi", "1", "512Mi");
/** Sentinels only watch and vote: the same small size wherever they run. */
const sentinel = size("50m", "64Mi", "200m", "128Mi");

/**
 * What both environments' clusters share: the ingress controller, the operators' and monitoring's
 * namespaces, the shards.
 */
const CLUSTER_FACTS = {
  ingressClassName: "nginx",
  ingressNamespace: "ingress-nginx",
  postgresOperatorNamespace: "postgres-operator",
  prometheus: {
    namespace: "monitoring",
    url: "http://prometheus.monitoring.svc.cluster.local:9090",
  },
  apiServerCidr: "10.96.0.1/32",
  shards: ["shard-1", "shard-2"],
} satisfies Partial<EnvironmentSpec>;

export const ENVIRONMENTS: Record<EnvironmentName, EnvironmentSpec> = {
  staging: {
    name: "staging",
    namespace: "agora-staging",
    agoraEnv: "production",
    hosts: {
      storefront: "shop.staging.agora.example",
      vendorPortal: "vendors.staging.agora.example",
      opsConsole: "ops.staging.agora.example",
      cdn: "cdn.staging.agora.example",
      identity: "id.staging.agora.example",
    },
    tlsSecretName: "agora-staging-tls",
    ...CLUSTER_FACTS,
    postgres: {
      version: "15",
      core: {
        instances: 3,
        maxConnections: 200,
        volume: "20Gi",
        resources: size("250m", "512Mi", "1", "1Gi"),
      },
      shard: {
        instances: 2,
        maxConnections: 150,
        volume: "20Gi",
        resources: size("250m", "512Mi", "1", "1Gi"),
      },
      storageClass: "standard",
    },
    redis: {
      volume: "2Gi",
      resources: size("100m", "256Mi", "500m", "512Mi"),
      sentinelResources: sentinel,
    },
    etcd: { members: 3, volume: "2Gi", resources: size("100m", "128Mi", "500m", "256Mi") },
    storage: { size: "20Gi", storageClass: "standard-rwx" },
    realtimeGateways: 2,
    replicas: {
      "telemetry-collector": 1,
      "media-origin": 2,
      "outbox-relay": 2,
      projections: 2,
      "payment-sim": 1,
      identity: 2,
      realtime: 1,
      inventory: 2,
    },
    resources: {
      storefront: web,
      "vendor-portal": web,
      "ops-console": web,
      realtime: workerSmall,
      "telemetry-collector": workerMedium,
      "media-origin": workerSmall,
      inventory: workerSmall,
      "outbox-relay": workerSmall,
      projections: workerSmall,
      "payment-sim": workerSmall,
      identity: workerSmall,
      sagas: workerMedium,
      payments: workerSmall,
      notifications: workerSmall,
      imports: workerMedium,
      analytics: workerSmall,
      maintenance: workerSmall,
    },
    seed: true,
  },
  production: {
    name: "production",
    namespace: "agora",
    agoraEnv: "production",
    hosts: {
      storefront: "shop.agora.example",
      vendorPortal: "vendors.agora.example",
      opsConsole: "ops.agora.example",
      cdn: "cdn.agora.example",
      identity: "id.agora.example",
    },
    tlsSecretName: "agora-tls",
    ...CLUSTER_FACTS,
    postgres: {
      version: "15",
      // At the autoscalers' maxima (100 storefronts + a rollout's surge) the connection budget asks
      // ~1,290 connections of core's primary: more than 8 GiB holds at 5–10 MB a backend, so the
      // production web tier needs a connection pooler (docs/performance.md, "Connection budget").
      core: {
        instances: 3,
        maxConnections: 1300,
        volume: "200Gi",
        resources: size("2", "8Gi", "4", "8Gi"),
      },
      shard: {
        instances: 2,
        maxConnections: 750,
        volume: "100Gi",
        resources: size("1", "4Gi", "2", "4Gi"),
      },
      storageClass: "ssd",
    },
    redis: {
      volume: "10Gi",
      resources: size("500m", "2Gi", "1", "2Gi"),
      sentinelResources: sentinel,
    },
    etcd: { members: 3, volume: "10Gi", resources: size("250m", "512Mi", "1", "1Gi") },
    storage: { size: "500Gi", storageClass: "efs-rwx" },
    realtimeGateways: 4,
    replicas: {
      "telemetry-collector": 2,
      "media-origin": 3,
      "outbox-relay": 2,
      projections: 2,
      "payment-sim": 2,
      identity: 2,
      realtime: 1,
      inventory: 3,
    },
    resources: {
      storefront: size("500m", "512Mi", "2", "1Gi"),
      "vendor-portal": web,
      "ops-console": web,
      realtime: workerMedium,
      "telemetry-collector": size("500m", "1Gi", "2", "2Gi"),
      "media-origin": workerMedium,
      inventory: workerMedium,
      "outbox-relay": workerMedium,
      projections: workerMedium,
      "payment-sim": workerSmall,
      identity: workerSmall,
      sagas: size("500m", "512Mi", "2", "1Gi"),
      payments: workerMedium,
      notifications: workerMedium,
      imports: size("500m", "1Gi", "2", "2Gi"),
      analytics: workerMedium,
      maintenance: workerSmall,
    },
    seed: false,
  },
};

export function environment(name: string): EnvironmentSpec {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown environment "${name}" (known: ${ENVIRONMENT_NAMES.join(", ")})`);
  }
  return ENVIRONMENTS[name as EnvironmentName];
}
