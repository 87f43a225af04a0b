/**
 * Postgres clusters as resources of the Zalando postgres-operator (`acid.zalan.do/v1`,
 * kind `postgresql`): Spilo pods run Postgres under Patroni, the same HA mechanism as the local
 * topology. `core` has 3 members in synchronous mode (orders and the ledger are CP; a third member
 * keeps a promotable standby after a second failure), each vendor shard has 2, asynchronous.
 *
 * No npm model exists for this CRD, so the fields used are typed here by hand. The ones we set:
 * - `teamId`: owner team; the operator requires the cluster name to start with `<teamId>-`.
 * - `numberOfInstances`: Patroni members (one primary, the rest streaming replicas).
 * - `postgresql.version` / `postgresql.parameters`: server major version and postgresql.conf keys.
 * - `volume.size` / `volume.storageClass`: each member's PVC.
 * - `resources`: requests/limits of the Spilo container.
 * - `patroni.*`: Patroni DCS settings (synchronous_mode, ttl, loop_wait, retry_timeout,
 *   maximum_lag_on_failover) copied into Patroni's bootstrap configuration.
 * - `users` / `databases`: roles and databases the operator creates; it stores each role's password
 *   in the Secret `<role>.<cluster>.credentials.postgresql.acid.zalan.do` (see docs/deploy.md).
 * - `enableMasterLoadBalancer` / `enableReplicaLoadBalancer`: false, the clusters stay internal.
 * - `tls`: the server pair of a cert-manager Secret instead of the certificate Spilo generates for
 *   itself (which no client can verify); `spiloFSGroup`: the pod's fsGroup, so that Postgres, not
 *   root, can read the mounted key.
 * The operator then creates Services `<cluster>` (primary) and `<cluster>-repl` (replicas) and
 * labels pods `application: spilo`, `cluster-name: <cluster>`, `spilo-role: master|replica`.
 *
 * TLS: each cluster gets a certificate of the namespace's internal CA (security/cert-manager.ts)
 * naming both Services, so the apps' URLs carry `sslmode=verify-full` with the CA every pod mounts
 * (docs/deploy.md). Spilo's pg_hba refuses connections without TLS; Spilo checks the files every
 * few minutes and reloads Postgres once cert-manager has renewed them.
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type { EnvironmentSpec, PostgresClusterSize, ResourceSize } from "../environments.ts";
import { PART_OF, serviceHost, serviceNames } from "../meta.ts";
import {
  type CertManagerCertificate,
  ISSUED_SECRET_KEYS,
  issuedCertificate,
} from "../security/cert-manager.ts";

export interface ZalandoPostgresql {
  apiVersion: "acid.zalan.do/v1";
  kind: "postgresql";
  metadata: ObjectMeta;
  spec: {
    teamId: string;
    numberOfInstances: number;
    postgresql: { version: "13" | "14" | "15" | "16" | "17"; parameters?: Record<string, string> };
    volume: { size: string; storageClass?: string };
    resources?: ResourceSize;
    patroni?: {
      synchronous_mode?: boolean;
      synchronous_mode_strict?: boolean;
      ttl?: number;
      loop_wait?: number;
      retry_timeout?: number;
      maximum_lag_on_failover?: number;
    };
    users?: Record<string, string[]>;
    databases?: Record<string, string>;
    enableMasterLoadBalancer?: boolean;
    enableReplicaLoadBalancer?: boolean;
    tls?: {
      /** Secret the operator mounts at /tls in every Spilo pod. */
      secretName: string;
      /** Server certificate's file name in that Secret (operator default `tls.crt`). */
      certificateFile?: string;
      /** Its key's file name (operator default `tls.key`). */
      privateKeyFile?: string;
      /** CA file name, Postgres's `ssl_ca_file` (unset by default). */
      caFile?: string;
      /** Another Secret holding `caFile`, mounted at /tlsca; unset: `caFile` is in `secretName`. */
      caSecretName?: string;
    };
    /** fsGroup of the Spilo pods: the group that may read the mounted TLS files. */
    spiloFSGroup?: number;
  };
}

export const POSTGRES = {
  teamId: "agora",
  database: "agora",
  appUser: "agora",
  port: 5432,
  patroniPort: 8008,
  /** Labels the operator puts on every Spilo pod. */
  podLabels: { application: "spilo" },
  /** gid of the `postgres` group in the Spilo image (the operator docs' value for fsGroup). */
  spiloGroup: 103,
} as const;

/** `core` → `agora-core` (the operator insists on the team prefix). */
export function postgresClusterName(cluster: string): string {
  return `${POSTGRES.teamId}-${cluster}`;
}

/** Secret the operator writes with the application role's generated password. */
export function credentialsSecret(cluster: string): string {
  return `${POSTGRES.appUser}.${postgresClusterName(cluster)}.credentials.postgresql.acid.zalan.do`;
}

/** The operator's Services of a cluster: the primary's (`rw` URLs) and the replicas' (`ro`). */
export function postgresServices(cluster: string): { rw: string; ro: string } {
  const name = postgresClusterName(cluster);
  return { rw: name, ro: `${name}-repl` };
}

/** The host an app's URL names for a cluster's primary or replicas (docs/deploy.md). */
export function databaseHost(env: EnvironmentSpec, cluster: string, role: "rw" | "ro"): string {
  return serviceHost(env, postgresServices(cluster)[role]);
}

/** The cert-manager Secret with a cluster's server pair and the internal CA. */
export function postgresTlsSecret(cluster: string): string {
  return `${postgresClusterName(cluster)}-tls`;
}

const LABELS = { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/component": "database" };

/**
 * A cluster's server certificate: both Services' names (the `-config` Service the operator adds
 * for Patroni's Kubernetes DCS takes no connections, so it is not one of them).
 */
export function postgresCertificate(env: EnvironmentSpec, cluster: string): CertManagerCertificate {
  const services = postgresServices(cluster);
  return issuedCertificate(
    env,
    postgresTlsSecret(cluster),
    {
      commonName: postgresClusterName(cluster),
      // …and `<service>.<namespace>`, which also resolves through the pods' DNS search path.
      dnsNames: [services.rw, services.ro].flatMap((s) => [...serviceNames(env, s), `${s}.${env.namespace}`]),
    },
    LABELS,
  );
}

export function postgresCertificates(env: EnvironmentSpec): CertManagerCertificate[] {
  return ["core", ...env.shards].map((c) => postgresCertificate(env, c));
}

function cluster(
  env: EnvironmentSpec,
  name: string,
  size: PostgresClusterSize,
  synchronous: boolean,
): ZalandoPostgresql {
  return {
    apiVersion: "acid.zalan.do/v1",
    kind: "postgresql",
    metadata: {
      name: postgresClusterName(name),
      namespace: env.namespace,
      labels: LABELS,
    },
    spec: {
      teamId: POSTGRES.teamId,
      numberOfInstances: size.instances,
      postgresql: {
        version: env.postgres.version,
        // The migration runner and payout settlement use PREPARE TRANSACTION (two-phase commit).
        // max_connections: the connection budget's sum must fit (policies/connection-budget.ts).
        parameters: {
          max_connections: String(size.maxConnections),
          max_prepared_transactions: "64",
          wal_log_hints: "on",
        },
      },
      volume: { size: size.volume, storageClass: env.postgres.storageClass },
      resources: size.resources,
      // Same timing rule as the local topology: loop_wait + 2 * retry_timeout <= ttl.
      patroni: {
        synchronous_mode: synchronous,
        synchronous_mode_strict: false,
        ttl: 30,
        loop_wait: 10,
        retry_timeout: 10,
        maximum_lag_on_failover: 1048576,
      },
      users: { [POSTGRES.appUser]: ["createdb"] },
      databases: { [POSTGRES.database]: POSTGRES.appUser },
      enableMasterLoadBalancer: false,
      enableReplicaLoadBalancer: false,
      // cert-manager writes the CA into the same Secret: no caSecretName.
      tls: {
        secretName: postgresTlsSecret(name),
        certificateFile: ISSUED_SECRET_KEYS.cert,
        privateKeyFile: ISSUED_SECRET_KEYS.key,
        caFile: ISSUED_SECRET_KEYS.ca,
      },
      spiloFSGroup: POSTGRES.spiloGroup,
    },
  };
}

export function postgresClusters(env: EnvironmentSpec): ZalandoPostgresql[] {
  return [
    cluster(env, "core", env.postgres.core, true),
    ...env.shards.map((s) => cluster(env, s, env.postgres.shard, false)),
  ];
}

/** Offline check of the fields the operator needs: there is no schema package to validate with. */
export function validatePostgresql(doc: ZalandoPostgresql): string[] {
  const errors: string[] = [];
  const name = doc.metadata.name ?? "";
  if (!name.startsWith(`${doc.spec.teamId}-`))
    errors.push(`${name}: name must start with "${doc.spec.teamId}-"`);
  if (!Number.isInteger(doc.spec.numberOfInstances) || doc.spec.numberOfInstances < 1) {
    errors.push(`${name}: numberOfInstances must be a positive integer`);
  }
  if (!/^\d+(\.\d+)?(Mi|Gi|Ti)$/.test(doc.spec.volume.size))
    errors.push(`${name}: volume.size "${doc.spec.volume.size}"`);
  if (doc.spec.patroni?.synchronous_mode && doc.spec.numberOfInstances < 3) {
    errors.push(`${name}: synchronous mode needs 3 members to survive a second failure`);
  }
  const p = doc.spec.patroni;
  if (p?.ttl !== undefined && p.loop_wait !== undefined && p.retry_timeout !== undefined) {
    if (p.loop_wait + 2 * p.retry_timeout > p.ttl)
      errors.push(`${name}: loop_wait + 2 * retry_timeout > ttl`);
  }
  if (doc.spec.tls) {
    if (!doc.spec.tls.secretName) errors.push(`${name}: tls.secretName is required`);
    if (doc.spec.spiloFSGroup === undefined)
      errors.push(`${name}: tls needs spiloFSGroup, or Postgres cannot read the mounted key`);
  }
  return errors;
}
