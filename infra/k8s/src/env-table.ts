/**
 * Every environment variable an Agora container is given (the environment contract as Kubernetes
 * delivers it), typed, in ONE file. The names are `@agora/config`'s; the policy tests refuse a
 * container variable not listed, and tests/deploy/k8s-startup-env.test.ts runs every deployable's
 * own start-up check over the environment its container gets (a required variable no env group
 * delivers is a pod that crash-loops on its first start).
 *
 * `source` says where the value comes from in Kubernetes:
 * - `container`: set per container by the generator (listen address, port, service name);
 * - `config`:    a key of the namespace's `agora-config` ConfigMap;
 * - `secret`:    a key of a Secret created by the operator (see docs/deploy.md), never in git.
 */

/** Concerns a deployable opts into; a container gets exactly the variables of its groups. */
export type EnvGroup =
  | "listen"
  | "metrics"
  | "database"
  | "redis"
  | "etcd"
  | "telemetry"
  | "public-urls"
  | "media"
  | "storage"
  | "payment-provider"
  | "carrier"
  | "carrier-webhook"
  | "invitations"
  | "ops-metrics"
  | "auth"
  /** The telemetry collector's read token: the collector and the ops console. */
  | "telemetry-read"
  /** The media origin's purge/stats token: the origin and the vendor portal. */
  | "media-origin"
  /** The payment simulator's admin token: the simulator and the ops console. */
  | "payment-sim-admin"
  /** Both payment providers' server API keys: the simulator and the payments pool. */
  | "payment-provider-key"
  /** The web apps' /api/metrics scrape token. */
  | "metrics-scrape"
  /** The release Job's migrations only: admin access to every primary. */
  | "migration"
  /** Callers of the inventory gRPC service: the sagas and payments pools. */
  | "inventory"
  /** The OpenID Connect issuer: the provider itself and the relying parties that check its tokens. */
  | "identity"
  /** The provider's own secrets. */
  | "identity-provider"
  /** This process's service identity for mutual TLS (every Agora process; security/service-identity.ts). */
  | "service-tls"
  /** Servers of a mutual-TLS API on HTTPS_PORT: the payment simulator's server API. */
  | "payment-sim-tls"
  /** The telemetry collector's query API (mutual TLS) on HTTPS_PORT. */
  | "telemetry-query"
  /** The secrets provider's store (security/secrets-store.ts). */
  | "secrets"
  /** The sign-in clients' secrets: the identity provider and the three apps. */
  | "identity-clients";

export type EnvSource = "container" | "config" | "secret";

export interface EnvVarSpec {
  name: string;
  group: EnvGroup;
  source: EnvSource;
  /** A missing optional secret key does not stop the pod (`secretKeyRef.optional`). */
  optional?: boolean;
  description: string;
}

/** Secrets the operator creates; names are stable so docs and manifests agree. */
export const SECRETS = {
  database: "agora-database",
  /** Admin URLs of the primaries and the app role's password: mounted in the migrate Job only. */
  databaseAdmin: "agora-database-admin",
  redis: "agora-redis",
  appSecrets: "agora-app-secrets",
  /** Bearer tokens of the internal planes (collector, media origin, simulator, /api/metrics). */
  serviceTokens: "agora-service-tokens",
  /** One next-auth secret per app: a session cookie of one app is not valid in another. */
  nextAuth: (app: "storefront" | "vendor-portal" | "ops-console") => `agora-${app}-auth`,
} as const;

export const CONFIG_MAP_NAME = "agora-config";

export const ENV_TABLE: readonly EnvVarSpec[] = [
  {
    name: "HOST",
    group: "listen",
    source: "container",
    description: "listen address (0.0.0.0 in a pod)",
  },
  {
    name: "PORT",
    group: "listen",
    source: "container",
    description: "main HTTP port of the process",
  },
  {
    name: "AGORA_SERVICE_NAME",
    group: "listen",
    source: "container",
    description: "name in traces and logs",
  },
  {
    name: "AGORA_ENV",
    group: "listen",
    source: "config",
    description: "development | test | production",
  },
  {
    name: "AGORA_METRICS_PORT",
    group: "metrics",
    source: "container",
    description: "worker processes: /metrics, /healthz, /readyz port",
  },
  {
    name: "AGORA_DB_SHARDS",
    group: "database",
    source: "config",
    description: "vendor shard cluster names",
  },
  {
    name: "AGORA_DB_URL_<CLUSTER>_<RW|RO>",
    group: "database",
    source: "secret",
    description:
      "one read-write and one read-only URL per cluster; passwords inside, so Secret-backed",
  },
  // The process kind's connection budget (@agora/config connection-budget.ts), one per target.
  ...(["CORE_RW", "CORE_RO", "SHARD_RW", "SHARD_RO"] as const).map(
    (target): EnvVarSpec => ({
      name: `AGORA_DB_POOL_MAX_${target}`,
      group: "database",
      source: "container",
      description: "pool max per process on one cluster side, from the connection budget",
    }),
  ),
  {
    name: "AGORA_REDIS_SENTINELS",
    group: "redis",
    source: "config",
    description: "Sentinel host:port list",
  },
  {
    name: "AGORA_REDIS_MASTER_NAME",
    group: "redis",
    source: "config",
    description: "Sentinel master name",
  },
  {
    name: "AGORA_REDIS_PASSWORD",
    group: "redis",
    source: "secret",
    optional: true,
    description: "Redis password (required when AGORA_ENV=production)",
  },
  {
    name: "AGORA_REDIS_SENTINEL_PASSWORD",
    group: "redis",
    source: "secret",
    optional: true,
    description: "the Sentinels' own password, when they have one",
  },
  {
    name: "AGORA_REDIS_TLS_CA_FILE",
    group: "redis",
    source: "container",
    description: "CA the Redis nodes' and Sentinels' certificates chain to (TLS only; the pod's mounted CA)",
  },
  {
    name: "AGORA_REDIS_TLS_CERT_FILE",
    group: "redis",
    source: "container",
    description: "client certificate Redis and the Sentinels require (the pod's service identity)",
  },
  {
    name: "AGORA_REDIS_TLS_KEY_FILE",
    group: "redis",
    source: "container",
    description: "its key",
  },
  {
    name: "AGORA_ETCD_ENDPOINTS",
    group: "etcd",
    source: "config",
    description: "etcd client URLs",
  },
  { name: "AGORA_ETCD_PREFIX", group: "etcd", source: "config", description: "etcd key prefix" },
  {
    name: "AGORA_ETCD_CA_FILE",
    group: "etcd",
    source: "container",
    description: "CA of the etcd members' certificates (mounted)",
  },
  {
    name: "AGORA_ETCD_CERT_FILE",
    group: "etcd",
    source: "container",
    description: "client certificate etcd requires (the pod's service identity)",
  },
  {
    name: "AGORA_ETCD_KEY_FILE",
    group: "etcd",
    source: "container",
    description: "its key",
  },
  {
    name: "AGORA_TLS_CA_FILE",
    group: "service-tls",
    source: "container",
    description: "the internal CA (ca.crt of the pod's cert-manager Secret)",
  },
  {
    name: "AGORA_TLS_CERT_FILE",
    group: "service-tls",
    source: "container",
    description: "this process's service identity certificate (mutual TLS)",
  },
  {
    name: "AGORA_TLS_KEY_FILE",
    group: "service-tls",
    source: "container",
    description: "its key",
  },
  {
    name: "AGORA_SECRETS_DIR",
    group: "secrets",
    source: "container",
    description: "the file secrets provider's folder (the shared agora-secrets volume)",
  },
  {
    name: "AGORA_IDENTITY_CLIENTS_DIR",
    group: "identity-clients",
    source: "container",
    description: "the sign-in clients' secrets: the Secret agora-identity-clients, mounted read-only",
  },
  {
    name: "PAYMENT_SIM_TLS_PORT",
    group: "payment-sim-tls",
    source: "container",
    description: "the simulator's server API over mutual TLS (callers use the https URLs)",
  },
  {
    name: "AGORA_TELEMETRY_QUERY_PORT",
    group: "telemetry-query",
    source: "container",
    description: "the collector's query API (HTTPS, client certificates required)",
  },
  {
    name: "AGORA_TELEMETRY_QUERY_URL",
    group: "telemetry-read",
    source: "config",
    description: "where traces and logs are read: the collector's mutual-TLS query API",
  },
  {
    name: "AGORA_TELEMETRY_URL",
    group: "telemetry",
    source: "config",
    description: "telemetry collector URL",
  },
  {
    name: "AGORA_TELEMETRY_INGEST_TOKEN",
    group: "telemetry",
    source: "secret",
    description: "bearer token every shipper sends to the collector (spans, logs)",
  },
  {
    name: "AGORA_TELEMETRY_READ_TOKEN",
    group: "telemetry-read",
    source: "secret",
    description: "bearer token of the collector's query API (ops console)",
  },
  {
    name: "AGORA_MEDIA_ORIGIN_TOKEN",
    group: "media-origin",
    source: "secret",
    description: "bearer token of the media origin's purge and stats",
  },
  {
    name: "AGORA_PAYMENT_SIM_ADMIN_TOKEN",
    group: "payment-sim-admin",
    source: "secret",
    description: "bearer token of the payment simulator's faults and ledger",
  },
  {
    name: "AGORA_PAYMENT_PROVIDER_API_KEY",
    group: "payment-provider-key",
    source: "secret",
    description: "the payment provider's server API key",
  },
  {
    name: "AGORA_PAYSWIFT_API_KEY",
    group: "payment-provider-key",
    source: "secret",
    description: "PaySwift's API key (X-PaySwift-Key)",
  },
  {
    name: "AGORA_METRICS_TOKEN",
    group: "metrics-scrape",
    source: "secret",
    description: "bearer token of the web apps' /api/metrics (the ops console's scraper sends it)",
  },
  {
    name: "AGORA_STOREFRONT_URL",
    group: "public-urls",
    source: "config",
    description: "public origin",
  },
  {
    name: "AGORA_VENDOR_PORTAL_URL",
    group: "public-urls",
    source: "config",
    description: "public origin",
  },
  {
    name: "AGORA_OPS_CONSOLE_URL",
    group: "public-urls",
    source: "config",
    description: "public origin",
  },
  {
    name: "AGORA_CDN_URL",
    group: "media",
    source: "config",
    description: "public base URL of the CDN edge",
  },
  {
    name: "AGORA_INVENTORY_TARGET",
    group: "inventory",
    source: "config",
    description:
      "gRPC target of the inventory service (headless Service: round-robin over its pods)",
  },
  {
    name: "AGORA_MEDIA_ORIGIN_URL",
    group: "media",
    source: "config",
    description: "internal media origin URL",
  },
  {
    name: "AGORA_STORAGE_DIR",
    group: "storage",
    source: "config",
    description: "media + import volume mount",
  },
  {
    name: "AGORA_PAYMENT_PROVIDER_URL",
    group: "payment-provider",
    source: "config",
    description: "payment provider (simulator) base URL",
  },
  {
    name: "AGORA_PAYSWIFT_URL",
    group: "payment-provider",
    source: "config",
    description: "second payment provider, PaySwift (simulator's /payswift), base URL",
  },
  {
    name: "AGORA_CARRIER_URL",
    group: "carrier",
    source: "config",
    description: "carrier (simulator) base URL",
  },
  {
    name: "AGORA_CARRIER_WEBHOOK_URL",
    group: "carrier",
    source: "config",
    description: "where the carrier posts shipment webhooks: the payments pool's receiver",
  },
  {
    name: "AGORA_CARRIER_WEBHOOK_SECRET",
    group: "carrier-webhook",
    source: "secret",
    description: "HMAC key of carrier webhooks",
  },
  {
    name: "AGORA_INVITATION_SECRET",
    group: "invitations",
    source: "secret",
    description: "HMAC key of staff invitation tokens",
  },
  {
    name: "AGORA_METRICS_TARGETS",
    group: "ops-metrics",
    source: "config",
    description: "ops console: name=url list of /metrics endpoints",
  },
  // Each app reads it from its own app's Secret; the realtime gateway verifies storefront sessions,
  // so it reads the storefront's (see deployables.ts `auth`).
  {
    name: "NEXTAUTH_SECRET",
    group: "auth",
    source: "secret",
    description: "next-auth secret, one per app",
  },
  {
    name: "AGORA_IDENTITY_ISSUER",
    group: "identity",
    source: "config",
    description: "the OpenID Connect provider's issuer (its public origin); JWKS at <issuer>/jwks",
  },
  {
    name: "AGORA_IDENTITY_COOKIE_SECRET",
    group: "identity-provider",
    source: "secret",
    description: "signs the provider's interaction and session cookies (32+ characters)",
  },
  {
    name: "AGORA_DB_ADMIN_URL_<CLUSTER>",
    group: "migration",
    source: "secret",
    description:
      "per cluster, a URL of its primary as a role that may create roles and databases (migrate Job only)",
  },
  {
    name: "AGORA_DB_APP_PASSWORD",
    group: "migration",
    source: "secret",
    description:
      "password the migrator gives the app role (the one inside the AGORA_DB_URL_* values)",
  },
];

/** `core` → `CORE`, `shard-1` → `SHARD_1` (contract: upper-cased, non-alphanumerics → `_`). */
export function clusterEnvName(cluster: string): string {
  return cluster.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

export function dbAdminUrlVariable(cluster: string): string {
  return `AGORA_DB_ADMIN_URL_${clusterEnvName(cluster)}`;
}

export function dbUrlVariable(cluster: string, role: "rw" | "ro"): string {
  return `AGORA_DB_URL_${clusterEnvName(cluster)}_${role.toUpperCase()}`;
}

const DB_URL_PATTERN = /^AGORA_DB_URL_[A-Z0-9_]+_(RW|RO)$/;

const DB_ADMIN_URL_PATTERN = /^AGORA_DB_ADMIN_URL_[A-Z0-9_]+$/;

/** The spec of a concrete variable name (database URLs match the per-cluster pattern). */
export function envVarSpec(name: string): EnvVarSpec | undefined {
  if (DB_URL_PATTERN.test(name)) return ENV_TABLE.find((v) => v.name.startsWith("AGORA_DB_URL_"));
  if (DB_ADMIN_URL_PATTERN.test(name))
    return ENV_TABLE.find((v) => v.name.startsWith("AGORA_DB_ADMIN_URL_"));
  return ENV_TABLE.find((v) => v.name === name);
}

export function variablesOf(group: EnvGroup): EnvVarSpec[] {
  return ENV_TABLE.filter((v) => v.group === group);
}
