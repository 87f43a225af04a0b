/**
 * The local topology as environment variables: the one producer of every process's configuration
 * on this machine (the Kubernetes generator is the other). Apps, workers and packages read these
 * keys through `@agora/config`; only this file knows ports, the state folder and `secrets.json`.
 */
import { createHmac } from "node:crypto";
import {
  CORE_CLUSTER,
  dbAdminUrlEnvName,
  dbUrlEnvName,
  poolMaxEnv,
  processKindOf,
  WORKER_PROCESSES,
  type WorkerProcessName,
} from "@agora/config";
import { etcdEndpoints } from "../config/etcd.ts";
import { cdnCacheDirs } from "../config/nginx.ts";
import { holdsCorePrimary } from "../regions/failover-state.ts";
import { serviceIdentityOf, serviceIdentityFiles } from "../security/service-identity.ts";
import { etcdClientTlsFiles } from "../security/tls-files.ts";
import {
  databaseUrl,
  failoverWorkerOf,
  type LinkRouteName,
  linkPort,
  PRIMARY_REGION,
  type RemoteRegion,
  secrets,
  SHARD_NAMES,
  SHARD_REGIONS,
  storefrontPorts,
  storefrontUrl,
  type Topology,
} from "../topology.ts";

/** Every process the local topology runs (names as in pids.json and the logs), plus test runners. */
export type ProcessName =
  | `storefront-${number}`
  /** A storefront instance of the `us` region (regions/, `--regions 2`). */
  | `storefront-us-${number}`
  /** What us runs after a region failover (topology FAILOVER_WORKERS): `workers-sagas-us-1`, … */
  | `${string}-us-${number}`
  | "vendor-portal"
  | "ops-console"
  | "payment-sim"
  | "telemetry-collector"
  | "media-origin"
  | "outbox-relay"
  | `workers-${string}`
  | `realtime-${number}`
  | `inventory-${number}`
  /** The release Job's migrations (`main.ts migrate`): the only one given admin URLs. */
  | "db-migrate"
  /** Vitest, Playwright's setup, CLIs (migrate, seed): everything, listening nowhere. */
  | "test-runner";

export interface ProcessEnvOptions {
  /** Read-write Postgres URLs through the TCP fault proxy (chaos controls can slow or cut them). */
  viaFaultProxy?: boolean;
  /** Overrides, e.g. free ports for a second copy of a process (tests). */
  override?: Record<string, string>;
}

/** HMAC of a fixed label keyed with the topology's generated superuser password: stable per state folder. */
function derivedSecret(t: Topology, label: string): string {
  return createHmac("sha256", secrets(t).superuserPassword).update(label).digest("base64url");
}

const url = (t: Topology, port: number, path = "") => `http://${t.host}:${port}${path}`;

/** `workers-sagas` → `sagas`, `outbox-relay` → `outbox-relay`, `realtime-1` → `realtime-1`. */
export function workerProcessOf(name: string): WorkerProcessName | undefined {
  const kind = name.replace(/^workers-/, "");
  return (WORKER_PROCESSES as readonly string[]).includes(kind) ? (kind as WorkerProcessName) : undefined;
}

/** Main HTTP (or gRPC) port of a process, if it has one. */
export function listenPort(t: Topology, name: string): number | undefined {
  const failover = failoverWorkerOf(t, name);
  if (failover) {
    const ports = failover.region.failoverWorkers;
    if (failover.worker === "payments") return ports.carrierWebhook;
    if (failover.worker === "inventory-1") return ports.inventory[0];
    return undefined;
  }
  const regional = /^storefront-([a-z]+)-(\d+)$/.exec(name);
  if (regional) return t.remoteRegions.find((r) => r.name === regional[1])?.storefront[Number(regional[2]) - 1];
  const storefront = /^storefront-(\d+)$/.exec(name);
  if (storefront) return storefrontPorts(t)[Number(storefront[1]) - 1];
  const realtime = /^realtime-(\d+)$/.exec(name);
  if (realtime) return t.apps.realtime[Number(realtime[1]) - 1];
  const inventory = /^inventory-(\d+)$/.exec(name);
  if (inventory) return t.apps.inventory[Number(inventory[1]) - 1];
  const ports: Record<string, number> = {
    "vendor-portal": t.apps.vendorPortal,
    "ops-console": t.apps.opsConsole,
    "payment-sim": t.apps.paymentSim,
    identity: t.apps.identity,
    "telemetry-collector": t.apps.telemetryCollector,
    "media-origin": t.apps.mediaOrigin,
    // The payments pool's HTTP port receives the carrier's webhooks.
    "workers-payments": t.apps.carrierWebhook,
  };
  return ports[name];
}

/** The /metrics + /healthz port of a worker process (eu's, or a region's failover worker), if it has one. */
export function metricsPortOf(t: Topology, name: string): number | undefined {
  const failover = failoverWorkerOf(t, name);
  if (failover) return failover.region.failoverWorkers.workerMetrics[failover.worker];
  const worker = workerProcessOf(name);
  return worker ? t.apps.workerMetrics[worker] : undefined;
}

/** The /metrics endpoints the ops console and the alert evaluator scrape (`name=url`). */
export function metricsTargets(t: Topology): string {
  const targets: [string, string][] = [
    ...t.apps.storefront.map((p, i): [string, string] => [`storefront-${i + 1}`, url(t, p, "/api/metrics")]),
    ["vendor-portal", url(t, t.apps.vendorPortal, "/api/metrics")],
    ["ops-console", url(t, t.apps.opsConsole, "/api/metrics")],
    ["telemetry-collector", url(t, t.apps.telemetryCollector, "/metrics")],
    ["payment-sim", url(t, t.apps.paymentSim, "/metrics")],
    ...WORKER_PROCESSES.map((w): [string, string] => [`workers-${w}`, url(t, t.apps.workerMetrics[w], "/metrics")]),
  ];
  return targets.map(([n, u]) => `${n}=${u}`).join(",");
}

/**
 * Trace sampling: every trace in the test profile (tests look up the traces of their requests);
 * elsewhere the first 5 new traces a second per process and 10 % of the rest, plus every trace
 * with an error (ErrorKeepingProcessor). Exporting every span of every trace cost ~27 % of a
 * checkout's CPU on the 2-core box (1.33 → 0.97 CPU-s per order, 20 shoppers, docs/performance.md).
 * The caller's own AGORA_TRACE_SAMPLE_RATE / AGORA_TRACE_RESERVOIR_PER_SECOND win.
 */
export function traceSampling(t: Topology): Record<string, string> {
  const full = t.profile.name === "test";
  return {
    AGORA_TRACE_SAMPLE_RATE: process.env.AGORA_TRACE_SAMPLE_RATE ?? (full ? "1" : "0.1"),
    AGORA_TRACE_RESERVOIR_PER_SECOND: process.env.AGORA_TRACE_RESERVOIR_PER_SECOND ?? (full ? "0" : "5"),
  };
}

/** The full environment of one process of the local topology. */
export function processEnv(t: Topology, name: ProcessName | string, opts: ProcessEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = {
    AGORA_ENV: t.profile.name === "test" ? "test" : "development",
    AGORA_SERVICE_NAME: name,
    HOST: t.host,
  };
  const port = listenPort(t, name);
  if (port !== undefined) env.PORT = String(port);
  const metricsPort = metricsPortOf(t, name);
  if (metricsPort !== undefined) env.AGORA_METRICS_PORT = String(metricsPort);
  // A region's failover worker has the keys and identity of eu's process it stands in for.
  const as = failoverWorkerOf(t, name)?.euName ?? name;

  // Databases: through HAProxy; read-write through the fault proxy when the launcher says so.
  env.AGORA_DB_SHARDS = SHARD_NAMES.join(",");
  for (const c of [CORE_CLUSTER, ...SHARD_NAMES]) {
    const rw = databaseUrl(t, c, "rw");
    const proxyPort = t.faultProxies[c];
    env[dbUrlEnvName(c, "rw")] =
      opts.viaFaultProxy && proxyPort !== undefined ? rw.replace(/:\d+\//, `:${proxyPort}/`) : rw;
    env[dbUrlEnvName(c, "ro")] = databaseUrl(t, c, "ro");
  }
  // Each pool's `max` from the connection budget (@agora/config connection-budget.ts).
  const kind = processKindOf(name);
  if (kind) Object.assign(env, poolMaxEnv(kind));

  // Vendors are placed on shards of their home region (packages/db regions/shard-regions.ts).
  env.AGORA_SHARD_REGIONS = Object.entries(SHARD_REGIONS)
    .map(([s, r]) => `${s}=${r}`)
    .join(",");
  env.AGORA_REDIS_SENTINELS = t.redis.sentinels.map((s) => `${t.host}:${s.port}`).join(",");
  env.AGORA_REDIS_MASTER_NAME = t.redis.masterName;
  env.AGORA_REDIS_PASSWORD = secrets(t).redisPassword;
  env.AGORA_REDIS_SENTINEL_PASSWORD = secrets(t).redisPassword;
  // Redis, Sentinel and etcd speak mutual TLS only (security/internal-tls.ts). Redis's client
  // pair is the process's service identity; one without (the seed and migrate CLIs) presents the
  // CLIs' own, test-runner's.
  env.AGORA_REDIS_TLS_CA_FILE = t.pki.caCert;
  const redisClient = serviceIdentityFiles(t, serviceIdentityOf(as) ?? "test-runner");
  env.AGORA_REDIS_TLS_CERT_FILE = redisClient.cert;
  env.AGORA_REDIS_TLS_KEY_FILE = redisClient.key;
  env.AGORA_ETCD_ENDPOINTS = etcdEndpoints(t).join(",");
  const etcdTls = etcdClientTlsFiles(t);
  env.AGORA_ETCD_CA_FILE = etcdTls.ca;
  env.AGORA_ETCD_CERT_FILE = etcdTls.cert;
  env.AGORA_ETCD_KEY_FILE = etcdTls.key;
  env.AGORA_ETCD_PREFIX = t.profile.namespace;
  // This process's service identity: presented to (and by) the internal planes that require
  // mutual TLS (the inventory gRPC service, the collector's query API, the simulator's API).
  const identity = serviceIdentityOf(as);
  if (identity) {
    const tls = serviceIdentityFiles(t, identity);
    env.AGORA_TLS_CA_FILE = tls.ca;
    env.AGORA_TLS_CERT_FILE = tls.cert;
    env.AGORA_TLS_KEY_FILE = tls.key;
  }

  // The simulator's server API over mutual TLS (callers present their service certificate); the
  // browser's card step stays on its plain port, the provider's public URL.
  const simApi = `https://${t.host}:${t.apps.paymentSimTls}`;
  env.AGORA_PAYMENT_PROVIDER_URL = simApi;
  env.AGORA_PAYMENT_PROVIDER_PUBLIC_URL = url(t, t.apps.paymentSim);
  // The second provider is served by the same simulator process, under its own prefix.
  env.AGORA_PAYSWIFT_URL = `${simApi}/payswift`;
  env.AGORA_CARRIER_URL = simApi;
  env.AGORA_CARRIER_WEBHOOK_URL = url(t, t.apps.carrierWebhook, "/carrier/webhook");
  // The inventory instances as the service registry lists them (ready ones only); the gRPC
  // client balances over them round-robin and follows the registry as they come and go.
  env.AGORA_INVENTORY_TARGET = "agora-registry:///inventory";
  env.AGORA_CDN_URL = url(t, t.apps.cdn);
  env.AGORA_MEDIA_ORIGIN_URL = url(t, t.apps.mediaOrigin);
  env.AGORA_TELEMETRY_URL = url(t, t.apps.telemetryCollector);
  Object.assign(env, traceSampling(t));
  // The gateway over HTTPS where its plain port only redirects (npm start), else plain (tests).
  env.AGORA_STOREFRONT_URL = storefrontUrl(t);
  // Node trusts the state folder's CA besides the public ones (read at start-up): a process that
  // calls the HTTPS gateway verifies the edge's certificate like any other.
  env.NODE_EXTRA_CA_CERTS = t.pki.caCert;
  // glibc gives each thread that allocates (V8's GC helpers, libuv's pool, TLS) its own malloc
  // arena and returns little of it; two arenas keep a worker's resident memory after a checkout
  // burst 17 % lower (a notifications pool beside its twin: 186 vs 225 MB) at the same CPU.
  env.MALLOC_ARENA_MAX = "2";
  env.AGORA_VENDOR_PORTAL_URL = url(t, t.apps.vendorPortal);
  env.AGORA_OPS_CONSOLE_URL = url(t, t.apps.opsConsole);
  env.AGORA_IDENTITY_ISSUER = url(t, t.apps.identity);
  env.AGORA_STORAGE_DIR = t.stateDir;
  // The file secrets provider's store and audit log (0600 files; see @agora/secrets).
  env.AGORA_SECRETS_DIR = `${t.stateDir}/secrets`;

  env.NEXTAUTH_SECRET = derivedSecret(t, "agora/nextauth-secret/v1");
  env.AGORA_CARRIER_WEBHOOK_SECRET = derivedSecret(t, "agora/carrier-webhook-secret/v1");
  env.AGORA_INVITATION_SECRET = derivedSecret(t, "agora/invitation-secret/v1");

  // Bearer tokens of the internal planes: each process gets the ones of the servers it calls or is.
  const tokens = {
    telemetryIngest: derivedSecret(t, "agora/telemetry-ingest-token/v1"),
    telemetryRead: derivedSecret(t, "agora/telemetry-read-token/v1"),
    mediaOrigin: derivedSecret(t, "agora/media-origin-token/v1"),
    paymentSimAdmin: derivedSecret(t, "agora/payment-sim-admin-token/v1"),
    paymentProviderKey: derivedSecret(t, "agora/payment-provider-api-key/v1"),
    payswiftKey: derivedSecret(t, "agora/payswift-api-key/v1"),
    metrics: derivedSecret(t, "agora/metrics-token/v1"),
  };
  env.AGORA_TELEMETRY_INGEST_TOKEN = tokens.telemetryIngest;
  const role = {
    app: /^storefront-([a-z]+-)?\d+$/.test(name) || name === "vendor-portal" || name === "ops-console",
    collector: name === "telemetry-collector",
    console: name === "ops-console",
    tests: name === "test-runner",
  };
  if (role.collector || role.console || role.tests) {
    env.AGORA_TELEMETRY_READ_TOKEN = tokens.telemetryRead;
    // Reads go to the query API only: HTTPS, and the collector asks for a client certificate.
    env.AGORA_TELEMETRY_QUERY_URL = `https://${t.host}:${t.apps.telemetryQuery}`;
  }
  if (role.collector) env.AGORA_TELEMETRY_QUERY_PORT = String(t.apps.telemetryQuery);
  if (name === "media-origin" || name === "vendor-portal" || role.tests)
    env.AGORA_MEDIA_ORIGIN_TOKEN = tokens.mediaOrigin;
  if (name === "identity" || role.tests)
    env.AGORA_IDENTITY_COOKIE_SECRET = derivedSecret(t, "agora/identity-cookie-secret/v1");
  if (name === "payment-sim" || role.console || role.tests)
    env.AGORA_PAYMENT_SIM_ADMIN_TOKEN = tokens.paymentSimAdmin;
  if (name === "payment-sim" || as === "workers-payments" || role.tests)
    env.AGORA_PAYMENT_PROVIDER_API_KEY = tokens.paymentProviderKey;
  if (name === "payment-sim" || as === "workers-payments" || role.tests)
    env.AGORA_PAYSWIFT_API_KEY = tokens.payswiftKey;
  // The maintenance pool's alert evaluator (us's too, after a region failover) scrapes the same
  // targets as the console.
  const scrapes = role.console || role.tests || as === "workers-maintenance";
  if (role.app || role.tests || scrapes) env.AGORA_METRICS_TOKEN = tokens.metrics;

  if (name.startsWith("storefront-")) {
    env.NEXTAUTH_URL = env.AGORA_STOREFRONT_URL;
    // People sign in through the identity provider; the bench's and the soak's shoppers post
    // their passwords straight to the storefront (no page offers that; production refuses it).
    env.AGORA_DIRECT_PASSWORD_SIGN_IN = "on";
  }
  if (name === "vendor-portal") {
    env.NEXTAUTH_URL = env.AGORA_VENDOR_PORTAL_URL;
    // The soak's vendor (a load tool, no browser) signs in the same way at the portal.
    env.AGORA_DIRECT_PASSWORD_SIGN_IN = "on";
  }
  // Code under test in the test runner places orders whose sagas may never end there (no worker):
  // its permits would pile up for their lease. The product's processes admit (said explicitly: a
  // process started by a test runner inherits its environment); the admission tests turn it on
  // in a namespace of their own.
  env.AGORA_CHECKOUT_ADMISSION = role.tests ? "off" : "on";
  if (scrapes) env.AGORA_METRICS_TARGETS = metricsTargets(t);
  if (name === "media-origin" || name === "test-runner") env.AGORA_CDN_CACHE_DIR = cdnCacheDirs(t).join(",");
  if (name === "ops-console") {
    env.NEXTAUTH_URL = env.AGORA_OPS_CONSOLE_URL;
    // The console's local ops backend (status, chaos, drills) reads this topology itself.
    env.AGORA_OPS_BACKEND = "local";
    env.AGORA_PROFILE = t.profile.name;
    env.AGORA_STATE_DIR = t.stateDir;
    if (process.env.AGORA_BASE_PORT) env.AGORA_BASE_PORT = process.env.AGORA_BASE_PORT;
  }
  if (name === "db-migrate") {
    // Superuser access to each primary (through HAProxy's read-write port) and the app role's
    // password: only the migrator gets them.
    for (const c of [CORE_CLUSTER, ...SHARD_NAMES])
      env[dbAdminUrlEnvName(c)] = databaseUrl(t, c, "rw", { as: "superuser", database: "postgres" });
    env.AGORA_DB_NAME = t.postgres.database;
    env.AGORA_DB_APP_USER = t.postgres.appUser;
    env.AGORA_DB_APP_PASSWORD = secrets(t).appPassword;
  }
  if (name === "payment-sim") {
    env.PAYMENT_SIM_TLS_PORT = String(t.apps.paymentSimTls);
    // The hosted card step is loaded by the storefront's pages: each instance and the gateway.
    env.PAYMENT_SIM_CORS_ORIGINS = [
      ...[...storefrontPorts(t), t.apps.gateway, ...t.remoteRegions.flatMap((r) => r.storefront)].flatMap((p) => [
        `http://127.0.0.1:${p}`,
        `http://localhost:${p}`,
      ]),
      `https://127.0.0.1:${t.apps.gatewayHttps}`,
      `https://localhost:${t.apps.gatewayHttps}`,
    ].join(",");
  }
  const region = regionOf(t, name);
  if (region) Object.assign(env, regionalEnv(t, region, name));
  return { ...env, ...opts.override };
}

/** The remote region a process belongs to (`storefront-us-1`, `workers-sagas-us-1` → us), if any. */
export function regionOf(t: Topology, name: string): RemoteRegion | undefined {
  const m = /^[a-z-]+-([a-z]+)-\d+$/.exec(name);
  return m ? t.remoteRegions.find((r) => r.name === m[1]) : undefined;
}

/**
 * What differs for a process of a remote region (docs/adr/0010): its own Redis; reads of core
 * from the local standby; everything in eu — core's primary, the vendor shards, etcd, the
 * telemetry collector — only through the region link, never at eu's own addresses.
 */
function regionalEnv(t: Topology, r: RemoteRegion, name: string): Record<string, string> {
  // After a region failover (drills/region-failover.ts) this region's copy of core is the primary:
  // its writes stay local and it is the core region (no partition gate on its checkouts).
  const promoted = holdsCorePrimary(r);
  const env: Record<string, string> = {
    AGORA_REGION: r.name,
    AGORA_CORE_REGION: promoted ? r.name : PRIMARY_REGION,
  };
  const overLink = (url: string, route: LinkRouteName) => url.replace(/:\d+\//, `:${linkPort(r, route)}/`);
  env.AGORA_DB_URL_CORE_RW = promoted
    ? databaseUrl(t, "core", "rw").replace(/:\d+\//, `:${r.coreStandby.rwPort}/`)
    : overLink(databaseUrl(t, "core", "rw"), "core-rw");
  // The standby (one member, read-only by construction): no HAProxy in this region.
  env.AGORA_DB_URL_CORE_RO = databaseUrl(t, "core", "ro").replace(/:\d+\//, `:${r.coreStandby.roPort}/`);
  for (const c of SHARD_NAMES) {
    for (const role of ["rw", "ro"] as const)
      env[dbUrlEnvName(c, role)] = overLink(databaseUrl(t, c, role), `${c}-${role}` as LinkRouteName);
  }
  env.AGORA_REDIS_SENTINELS = r.redis.sentinels.map((s) => `${t.host}:${s.port}`).join(",");
  env.AGORA_REDIS_MASTER_NAME = r.redis.masterName;
  env.AGORA_ETCD_ENDPOINTS = etcdEndpoints(t, r.name).join(",");
  env.AGORA_TELEMETRY_URL = url(t, linkPort(r, "telemetry"));
  const port = listenPort(t, name);
  // No regional gateway yet: a us shopper reaches the instance itself (global edge: not built).
  if (port !== undefined && name.startsWith("storefront-")) env.NEXTAUTH_URL = url(t, port);
  return env;
}

/** `KEY=value` lines, values single-quoted for POSIX shells (`eval "$(npm run -s infra:env)"`). */
export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`}`)
    .join("\n");
}
