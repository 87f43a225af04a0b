/**
 * NetworkPolicies: deny everything in the namespace, then allow only the edges the architecture
 * declares. Each edge is one row of EDGES; it renders as an egress policy on the source pods and an
 * ingress policy on the destination pods (both are needed once both directions default to deny).
 * docs/deploy.md draws the same table.
 */
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from "kubernetes-types/networking/v1";
import { HTTP_PORT, HTTPS_PORT, METRICS_PORT } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { LABEL, PART_OF, metadata } from "../meta.ts";
import { ETCD, etcdLabels } from "../data/etcd.ts";
import { POSTGRES } from "../data/postgres.ts";
import { REDIS, redisLabels, sentinelLabels } from "../data/redis.ts";

type Labels = Record<string, string>;

/** An end of an edge: pods of this namespace, pods/all of another namespace, or an IP block. */
export type Peer = { pods: Labels } | { namespace: string; pods?: Labels } | { cidr: string };

export interface Edge {
  name: string;
  description: string;
  from: Peer;
  to: Peer;
  ports: { port: number; protocol?: "TCP" | "UDP" }[];
}

const agoraPods: Labels = { [LABEL.partOf]: PART_OF };
const spilo: Labels = { ...POSTGRES.podLabels };

export function edges(env: EnvironmentSpec): Edge[] {
  const ingressController = { namespace: env.ingressNamespace };
  return [
    {
      name: "ingress-to-web",
      description: "ingress controller → storefront, vendor portal, ops console",
      from: ingressController,
      to: { pods: { [LABEL.tier]: "web" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "ingress-to-realtime",
      description: "ingress controller → realtime gateways (Socket.IO)",
      from: ingressController,
      to: { pods: { [LABEL.deployable]: "realtime" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "ingress-to-media-origin",
      description: "ingress controller (CDN host) → media origin",
      from: ingressController,
      to: { pods: { [LABEL.deployable]: "media-origin" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "ingress-to-identity",
      description: "ingress controller (identity host) → OpenID Connect provider",
      from: ingressController,
      to: { pods: { [LABEL.deployable]: "identity" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "clients-to-postgres",
      description: "apps, workers, release jobs → Postgres (Spilo) pods",
      from: { pods: { [LABEL.dbClient]: "true" } },
      to: { pods: spilo },
      ports: [{ port: POSTGRES.port }],
    },
    {
      name: "postgres-members",
      description: "Spilo ↔ Spilo: streaming replication, pg_rewind, Patroni REST",
      from: { pods: spilo },
      to: { pods: spilo },
      ports: [{ port: POSTGRES.port }, { port: POSTGRES.patroniPort }],
    },
    {
      name: "postgres-operator-to-postgres",
      description: "postgres-operator → Spilo (creates roles, reads Patroni state)",
      from: { namespace: env.postgresOperatorNamespace },
      to: { pods: spilo },
      ports: [{ port: POSTGRES.port }, { port: POSTGRES.patroniPort }],
    },
    {
      name: "postgres-to-apiserver",
      description: "Spilo → Kubernetes API (Patroni's DCS on Kubernetes)",
      from: { pods: spilo },
      to: { cidr: env.apiServerCidr },
      ports: [{ port: 443 }, { port: 6443 }],
    },
    {
      name: "clients-to-redis",
      description: "apps, workers → Redis (through Sentinel)",
      from: { pods: { [LABEL.redisClient]: "true" } },
      to: { pods: redisLabels },
      ports: [{ port: REDIS.port }],
    },
    {
      name: "clients-to-sentinel",
      description: "apps, workers → Sentinels (master discovery)",
      from: { pods: { [LABEL.redisClient]: "true" } },
      to: { pods: sentinelLabels },
      ports: [{ port: REDIS.sentinelPort }],
    },
    {
      name: "redis-replication",
      description: "Redis ↔ Redis (replication); Redis start script → Sentinels",
      from: { pods: { [LABEL.component]: "cache" } },
      to: { pods: { [LABEL.component]: "cache" } },
      ports: [{ port: REDIS.port }, { port: REDIS.sentinelPort }],
    },
    {
      name: "keda-to-redis",
      description: "KEDA operator → Sentinels and Redis (queue depth)",
      from: { namespace: "keda" },
      to: { pods: { [LABEL.component]: "cache" } },
      ports: [{ port: REDIS.port }, { port: REDIS.sentinelPort }],
    },
    {
      name: "clients-to-etcd",
      description: "apps, workers → etcd (leader election, fencing, registry)",
      from: { pods: { [LABEL.etcdClient]: "true" } },
      to: { pods: etcdLabels },
      ports: [{ port: ETCD.clientPort }],
    },
    {
      name: "etcd-peers",
      description: "etcd ↔ etcd (Raft)",
      from: { pods: etcdLabels },
      to: { pods: etcdLabels },
      ports: [{ port: ETCD.clientPort }, { port: ETCD.peerPort }],
    },
    {
      name: "carrier-webhooks",
      description: "payment/carrier simulator → payments pool (shipment webhooks)",
      from: { pods: { [LABEL.deployable]: "payment-sim" } },
      to: { pods: { [LABEL.deployable]: "payments" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "workers-to-payment-sim",
      description: "payments + sagas pools, storefront, vendor portal (shipments), ops console (chaos) → payment/carrier simulator's mutual-TLS API",
      from: { pods: { [LABEL.paymentSimClient]: "true" } },
      to: { pods: { [LABEL.deployable]: "payment-sim" } },
      ports: [{ port: HTTPS_PORT }],
    },
    {
      name: "media-clients-to-media-origin",
      description: "apps, maintenance pool → media origin (purge, stats)",
      from: { pods: { [LABEL.mediaClient]: "true" } },
      to: { pods: { [LABEL.deployable]: "media-origin" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "inventory-clients-to-inventory",
      description: "sagas + payments pools → inventory gRPC service",
      from: { pods: { [LABEL.inventoryClient]: "true" } },
      to: { pods: { [LABEL.deployable]: "inventory" } },
      ports: [{ port: HTTP_PORT }],
    },
    {
      name: "console-to-telemetry-query",
      description: "ops console → telemetry collector's query API (mutual TLS)",
      from: { pods: { [LABEL.opsConsole]: "true" } },
      to: { pods: { [LABEL.deployable]: "telemetry-collector" } },
      ports: [{ port: HTTPS_PORT }],
    },
    {
      name: "console-to-metrics",
      description: "ops console → every /metrics endpoint (its own scraper)",
      from: { pods: { [LABEL.opsConsole]: "true" } },
      to: { pods: { [LABEL.metrics]: "true" } },
      ports: [{ port: METRICS_PORT }, { port: HTTP_PORT }],
    },
    {
      name: "prometheus-to-metrics",
      description: "Prometheus → every /metrics endpoint (HPA/KEDA dashboards, canary analysis)",
      from: { namespace: env.prometheus.namespace },
      to: { pods: { [LABEL.metrics]: "true" } },
      ports: [{ port: METRICS_PORT }, { port: HTTP_PORT }],
    },
    {
      name: "all-to-telemetry-collector",
      description: "every Agora pod → telemetry collector (OTLP, logs; console reads traces)",
      from: { pods: agoraPods },
      to: { pods: { [LABEL.deployable]: "telemetry-collector" } },
      ports: [{ port: HTTP_PORT }],
    },
  ];
}

/** A peer made of this namespace's pods (a policy can be attached to it). */
function isLocal(p: Peer): p is { pods: Labels } {
  return "pods" in p && !("namespace" in p);
}

function peer(p: Peer): NetworkPolicyPeer {
  if ("cidr" in p) return { ipBlock: { cidr: p.cidr } };
  if ("namespace" in p) {
    return {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } },
      ...(p.pods ? { podSelector: { matchLabels: p.pods } } : {}),
    };
  }
  return { podSelector: { matchLabels: p.pods } };
}

const ports = (e: Edge): NetworkPolicyPort[] =>
  e.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" }));

function edgePolicies(env: EnvironmentSpec, e: Edge): NetworkPolicy[] {
  const out: NetworkPolicy[] = [];
  if (isLocal(e.from)) {
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata(env, `${e.name}-egress`),
      spec: {
        podSelector: { matchLabels: e.from.pods },
        policyTypes: ["Egress"],
        egress: [{ to: [peer(e.to)], ports: ports(e) }],
      },
    });
  }
  if (isLocal(e.to)) {
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata(env, `${e.name}-ingress`),
      spec: {
        podSelector: { matchLabels: e.to.pods },
        policyTypes: ["Ingress"],
        ingress: [{ from: [peer(e.from)], ports: ports(e) }],
      },
    });
  }
  return out;
}

export function networkPolicies(env: EnvironmentSpec): NetworkPolicy[] {
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata(env, "default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: metadata(env, "dns-egress"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { port: 53, protocol: "UDP" },
              { port: 53, protocol: "TCP" },
            ],
          },
        ],
      },
    },
    ...edges(env).flatMap((e) => edgePolicies(env, e)),
  ];
}
