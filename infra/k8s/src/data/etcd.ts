/**
 * etcd ×3 as a StatefulSet: the Raft cluster the processes use for leader election, fencing tokens
 * and the service registry. Members bootstrap together (`Parallel`), each with a stable name and a
 * PVC; a lost member keeps its identity and data when rescheduled.
 *
 * Mutual TLS on both sides, as locally: clients present a certificate of the internal CA
 * (`--client-cert-auth`; Agora's processes use their service identity, AGORA_ETCD_*), members
 * authenticate each other the same way (`--peer-client-cert-auth`), all with the cert-manager
 * certificate `agora-etcd-tls` mounted at /tls. The probes use a plain metrics listener that
 * serves only /health and /metrics (the kubelet presents no client certificate).
 */
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { Service } from "kubernetes-types/core/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { THIRD_PARTY_IMAGES } from "../images.ts";
import { metadata } from "../meta.ts";
import { DATA_TLS_MOUNT, ETCD_TLS_SECRET } from "../security/service-tls-files.ts";
import { containerSecurity, headlessService, podSecurity, statefulLabels } from "./stateful.ts";

export const ETCD = { name: "etcd", clientPort: 2379, peerPort: 2380, metricsPort: 2381 } as const;

const member = (env: EnvironmentSpec, i: number) =>
  `${ETCD.name}-${i}.${ETCD.name}.${env.namespace}.svc.cluster.local`;

export function etcdClientUrls(env: EnvironmentSpec): string[] {
  return Array.from(
    { length: env.etcd.members },
    (_, i) => `https://${member(env, i)}:${ETCD.clientPort}`,
  );
}

export const etcdLabels = statefulLabels(ETCD.name, "coordination");

export function etcdResources(env: EnvironmentSpec): [Service, StatefulSet, PodDisruptionBudget] {
  const initialCluster = Array.from(
    { length: env.etcd.members },
    (_, i) => `${ETCD.name}-${i}=https://${member(env, i)}:${ETCD.peerPort}`,
  ).join(",");
  const self = `$(POD_NAME).${ETCD.name}.${env.namespace}.svc.cluster.local`;
  const health = { httpGet: { path: "/health", port: ETCD.metricsPort } };
  const tls = (kind: "" | "peer-") => [
    `--${kind}cert-file=${DATA_TLS_MOUNT}/tls.crt`,
    `--${kind}key-file=${DATA_TLS_MOUNT}/tls.key`,
    `--${kind}trusted-ca-file=${DATA_TLS_MOUNT}/ca.crt`,
    `--${kind}client-cert-auth=true`,
  ];
  return [
    headlessService(env, ETCD.name, etcdLabels, [
      { name: "client", port: ETCD.clientPort },
      { name: "peer", port: ETCD.peerPort },
    ]),
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: metadata(env, ETCD.name, etcdLabels),
      spec: {
        serviceName: ETCD.name,
        replicas: env.etcd.members,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: etcdLabels },
        template: {
          metadata: { labels: etcdLabels },
          spec: {
            securityContext: podSecurity(1000),
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: "etcd",
                image: THIRD_PARTY_IMAGES.etcd,
                command: ["etcd"],
                args: [
                  "--name=$(POD_NAME)",
                  "--data-dir=/var/lib/etcd/data",
                  `--listen-client-urls=https://0.0.0.0:${ETCD.clientPort}`,
                  `--advertise-client-urls=https://${self}:${ETCD.clientPort}`,
                  `--listen-peer-urls=https://0.0.0.0:${ETCD.peerPort}`,
                  `--initial-advertise-peer-urls=https://${self}:${ETCD.peerPort}`,
                  ...tls(""),
                  ...tls("peer-"),
                  // Health and metrics only, for the kubelet's probes and Prometheus.
                  `--listen-metrics-urls=http://0.0.0.0:${ETCD.metricsPort}`,
                  `--initial-cluster=${initialCluster}`,
                  "--initial-cluster-state=new",
                  `--initial-cluster-token=agora-${env.name}`,
                ],
                env: [
                  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                ],
                ports: [
                  { name: "client", containerPort: ETCD.clientPort },
                  { name: "peer", containerPort: ETCD.peerPort },
                  { name: "metrics", containerPort: ETCD.metricsPort },
                ],
                resources: env.etcd.resources,
                securityContext: containerSecurity,
                // /health answers 200 only while the member sees a leader: a fine startup gate.
                startupProbe: { ...health, periodSeconds: 2, failureThreshold: 60 },
                livenessProbe: {
                  tcpSocket: { port: ETCD.clientPort },
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                readinessProbe: { ...health, periodSeconds: 5, failureThreshold: 2 },
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/etcd" },
                  { name: "tls", mountPath: DATA_TLS_MOUNT, readOnly: true },
                ],
              },
            ],
            volumes: [{ name: "tls", secret: { secretName: ETCD_TLS_SECRET, defaultMode: 0o440 } }],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: {
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: env.etcd.volume } },
            },
          },
        ],
      },
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: metadata(env, ETCD.name, etcdLabels),
      // Quorum of 3 is 2: never take a second member down voluntarily.
      spec: { maxUnavailable: 1, selector: { matchLabels: etcdLabels } },
    },
  ];
}
