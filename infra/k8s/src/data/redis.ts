/**
 * Redis primary + replica and 3 Sentinels, as two StatefulSets. Clients only ever talk to the
 * Sentinels (`AGORA_REDIS_SENTINELS`), never to a fixed Redis pod: after a failover the master is
 * whichever pod the Sentinels promoted.
 *
 * A restarted pod asks the Sentinels for the current master before it starts, and comes up as a
 * replica of it. Only a fresh cluster (no Sentinel knows a master) starts `redis-0` as master; this
 * avoids the old master serving writes as a master for the seconds before Sentinel demotes it.
 *
 * Mutual TLS only, as locally (infra/local/src/config/redis.ts): no plaintext port, TLS 1.3 on the
 * usual ports with the cert-manager certificate `agora-redis-tls` (mounted at /tls, renewed in
 * place; Redis re-reads it on restart or `CONFIG SET tls-cert-file`), TLS for the links nodes and
 * Sentinels open themselves (`tls-replication`, presenting that certificate: it has client auth
 * too). Clients verify the server against the internal CA (`AGORA_REDIS_TLS_CA_FILE`), present a
 * certificate of the same CA (`tls-auth-clients yes`: the pod's service identity,
 * `AGORA_REDIS_TLS_CERT_FILE`/`_KEY_FILE`) and then the password.
 */
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { ConfigMap, Container, EnvVar, Service } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { SECRETS } from "../env-table.ts";
import type { EnvironmentSpec, ResourceSize } from "../environments.ts";
import { THIRD_PARTY_IMAGES } from "../images.ts";
import { metadata } from "../meta.ts";
import { DATA_TLS_MOUNT, REDIS_TLS_SECRET } from "../security/service-tls-files.ts";
import { containerSecurity, headlessService, podSecurity, statefulLabels } from "./stateful.ts";

export const REDIS = {
  name: "redis",
  sentinelName: "redis-sentinel",
  port: 6379,
  sentinelPort: 26379,
  masterName: "agora",
  nodes: 2,
  sentinels: 3,
  quorum: 2,
  /** uid of the `redis` user in the official image. */
  uid: 999,
} as const;

export const redisLabels = statefulLabels(REDIS.name, "cache");
export const sentinelLabels = statefulLabels(REDIS.sentinelName, "cache");

const fqdn = (env: EnvironmentSpec, pod: string, service: string) =>
  `${pod}.${service}.${env.namespace}.svc.cluster.local`;

export function sentinelHosts(env: EnvironmentSpec): string[] {
  return Array.from({ length: REDIS.sentinels }, (_, i) =>
    fqdn(env, `${REDIS.sentinelName}-${i}`, REDIS.sentinelName),
  );
}

export function sentinelAddresses(env: EnvironmentSpec): string[] {
  return sentinelHosts(env).map((h) => `${h}:${REDIS.sentinelPort}`);
}

/** Shell shared by both scripts: the master the Sentinels agree on, or nothing on a fresh cluster. */
const TLS = {
  cert: `${DATA_TLS_MOUNT}/tls.crt`,
  key: `${DATA_TLS_MOUNT}/tls.key`,
  ca: `${DATA_TLS_MOUNT}/ca.crt`,
};
/** redis-cli over TLS, verified against the internal CA, presenting the pod's certificate. */
const cli = `redis-cli --tls --cacert ${TLS.ca} --cert ${TLS.cert} --key ${TLS.key}`;
/** The lines of a node's or a Sentinel's configuration that make it TLS-only on `port`. */
const tlsConfig = (port: number, indent = "  ") =>
  [
    "port 0",
    `tls-port ${port}`,
    `tls-cert-file ${TLS.cert}`,
    `tls-key-file ${TLS.key}`,
    `tls-ca-cert-file ${TLS.ca}`,
    "tls-auth-clients yes",
    "tls-replication yes",
    'tls-protocols \\"TLSv1.3\\"',
  ]
    .map((l) => `${indent}echo "${l}"`)
    .join("\n");

const findMaster = `
find_master() {
  for s in $SENTINEL_HOSTS; do
    m=$(timeout 2 ${cli} -h "$s" -p ${REDIS.sentinelPort} sentinel get-master-addr-by-name ${REDIS.masterName} 2>/dev/null | head -n 1)
    if [ -n "$m" ]; then echo "$m"; return; fi
  done
}`;

const redisStart = `#!/bin/sh
set -eu
${findMaster}
SELF="$POD_NAME.${REDIS.name}.$NAMESPACE.svc.cluster.local"
FIRST="${REDIS.name}-0.${REDIS.name}.$NAMESPACE.svc.cluster.local"
MASTER=$(find_master)
mkdir -p /data/conf
{
${tlsConfig(REDIS.port)}
  echo "dir /data"
  echo "appendonly yes"
  echo "replica-announce-ip $SELF"
  if [ -n "\${AGORA_REDIS_PASSWORD:-}" ]; then
    echo "requirepass $AGORA_REDIS_PASSWORD"
    echo "masterauth $AGORA_REDIS_PASSWORD"
  fi
  if [ -n "$MASTER" ] && [ "$MASTER" != "$SELF" ]; then echo "replicaof $MASTER ${REDIS.port}"; fi
  if [ -z "$MASTER" ] && [ "$SELF" != "$FIRST" ]; then echo "replicaof $FIRST ${REDIS.port}"; fi
} > /data/conf/redis.conf
exec redis-server /data/conf/redis.conf
`;

const sentinelStart = `#!/bin/sh
set -eu
${findMaster}
SELF="$POD_NAME.${REDIS.sentinelName}.$NAMESPACE.svc.cluster.local"
CONF=/data/sentinel.conf
# Sentinel rewrites its own file (known replicas, epochs): keep it on the volume across restarts.
if [ ! -f "$CONF" ]; then
  MASTER=$(find_master)
  [ -n "$MASTER" ] || MASTER="${REDIS.name}-0.${REDIS.name}.$NAMESPACE.svc.cluster.local"
  {
${tlsConfig(REDIS.sentinelPort, "    ")}
    echo "sentinel resolve-hostnames yes"
    echo "sentinel announce-hostnames yes"
    echo "sentinel announce-ip $SELF"
    echo "sentinel monitor ${REDIS.masterName} $MASTER ${REDIS.port} ${REDIS.quorum}"
    echo "sentinel down-after-milliseconds ${REDIS.masterName} 5000"
    echo "sentinel failover-timeout ${REDIS.masterName} 10000"
    echo "sentinel parallel-syncs ${REDIS.masterName} 1"
    if [ -n "\${AGORA_REDIS_PASSWORD:-}" ]; then echo "sentinel auth-pass ${REDIS.masterName} $AGORA_REDIS_PASSWORD"; fi
  } > "$CONF"
fi
exec redis-sentinel "$CONF"
`;

const SCRIPTS = "redis-scripts";

function podEnv(env: EnvironmentSpec): EnvVar[] {
  return [
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "SENTINEL_HOSTS", value: sentinelHosts(env).join(" ") },
    {
      name: "AGORA_REDIS_PASSWORD",
      valueFrom: {
        secretKeyRef: { name: SECRETS.redis, key: "AGORA_REDIS_PASSWORD", optional: true },
      },
    },
  ];
}

const ping = (port: number) => ({
  exec: {
    command: [
      "sh",
      "-c",
      `${cli} -p ${port} --no-auth-warning \${AGORA_REDIS_PASSWORD:+-a "$AGORA_REDIS_PASSWORD"} ping | grep -q PONG`,
    ],
  },
});

function container(
  env: EnvironmentSpec,
  name: string,
  script: string,
  port: number,
  resources: ResourceSize,
): Container {
  return {
    name,
    image: THIRD_PARTY_IMAGES.redis,
    command: ["sh", `/scripts/${script}`],
    env: podEnv(env),
    ports: [{ name, containerPort: port }],
    resources,
    securityContext: containerSecurity,
    startupProbe: { ...ping(port), periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { tcpSocket: { port }, periodSeconds: 10, failureThreshold: 3 },
    readinessProbe: { ...ping(port), periodSeconds: 5, failureThreshold: 2 },
    volumeMounts: [
      { name: "data", mountPath: "/data" },
      { name: "scripts", mountPath: "/scripts", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
      { name: "tls", mountPath: DATA_TLS_MOUNT, readOnly: true },
    ],
  };
}

function statefulSet(
  env: EnvironmentSpec,
  name: string,
  labels: Record<string, string>,
  replicas: number,
  c: Container,
  volume: string,
): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(env, name, labels),
    spec: {
      serviceName: name,
      replicas,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: podSecurity(REDIS.uid),
          terminationGracePeriodSeconds: 30,
          containers: [c],
          volumes: [
            { name: "scripts", configMap: { name: SCRIPTS } },
            { name: "tmp", emptyDir: {} },
            { name: "tls", secret: { secretName: REDIS_TLS_SECRET, defaultMode: 0o440 } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: volume } } },
        },
      ],
    },
  };
}

const pdb = (
  env: EnvironmentSpec,
  name: string,
  labels: Record<string, string>,
): PodDisruptionBudget => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: metadata(env, name, labels),
  spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
});

export function redisResources(
  env: EnvironmentSpec,
): (ConfigMap | Service | StatefulSet | PodDisruptionBudget)[] {
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(env, SCRIPTS, redisLabels),
      data: { "redis-start.sh": redisStart, "sentinel-start.sh": sentinelStart },
    },
    headlessService(env, REDIS.name, redisLabels, [{ name: "redis", port: REDIS.port }]),
    headlessService(env, REDIS.sentinelName, sentinelLabels, [
      { name: "sentinel", port: REDIS.sentinelPort },
    ]),
    statefulSet(
      env,
      REDIS.name,
      redisLabels,
      REDIS.nodes,
      container(env, "redis", "redis-start.sh", REDIS.port, env.redis.resources),
      env.redis.volume,
    ),
    statefulSet(
      env,
      REDIS.sentinelName,
      sentinelLabels,
      REDIS.sentinels,
      container(
        env,
        "sentinel",
        "sentinel-start.sh",
        REDIS.sentinelPort,
        env.redis.sentinelResources,
      ),
      "64Mi",
    ),
    pdb(env, REDIS.name, redisLabels),
    pdb(env, REDIS.sentinelName, sentinelLabels),
  ];
}
