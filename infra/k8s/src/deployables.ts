/**
 * What runs in the cluster: each deployable's image, command argument, ports, health endpoint and
 * the environment concerns it reads. Product facts (web apps, worker pools) come from
 * `@agora/config`; sizes and counts per environment live in `environments.ts`.
 */
import type { WebApp, WorkerPool } from "@agora/config";
import type { EnvGroup } from "./env-table.ts";

export { WEB_APPS, WORKER_POOLS, type WebApp, type WorkerPool } from "@agora/config";

export const SERVICES = [
  "realtime",
  "telemetry-collector",
  "media-origin",
  "outbox-relay",
  "projections",
  "payment-sim",
  "inventory",
  "identity",
] as const;
export type ServiceProcess = (typeof SERVICES)[number];

export type DeployableName = WebApp | WorkerPool | ServiceProcess;

export type ImageName =
  "storefront" | "vendor-portal" | "ops-console" | "workers" | "payment-sim" | "identity";

/** Container ports: every process in its own pod, so one fixed number per role is enough. */
export const HTTP_PORT = 8080;
export const METRICS_PORT = 9090;
/** A mutual-TLS API beside the plain one (the simulator's server API, the collector's queries). */
export const HTTPS_PORT = 8443;

export interface Deployable {
  name: DeployableName;
  /** `web`: Next.js behind the Ingress; `service`: HTTP inside the cluster; `worker`: no HTTP API. */
  tier: "web" | "service" | "worker";
  image: ImageName;
  /**
   * The workers image runs one process kind per container: `node dist/main.js <process>`. Set as
   * `command` so it does not depend on the image's entrypoint; Next.js images keep theirs.
   */
  command?: readonly string[];
  args: readonly string[];
  /** Serves its API on `PORT` (HTTP_PORT). */
  http: boolean;
  /** `/healthz` and `/readyz` are on PORT (`http`) or on AGORA_METRICS_PORT (`metrics`). */
  healthOn: "http" | "metrics";
  /** Has an AGORA_METRICS_PORT ops server (workers image processes). */
  metrics: boolean;
  /** Also serves a mutual-TLS API on HTTPS_PORT. */
  https?: boolean;
  env: readonly EnvGroup[];
  /** Which app's next-auth secret the process reads. */
  auth?: WebApp;
  /** Writes to the shared storage volume (AGORA_STORAGE_DIR). */
  storage: boolean;
  /** Next.js writes its cache under .next/cache: an emptyDir keeps the root filesystem read-only. */
  nextCache: boolean;
  /** Seconds to finish in-flight requests / jobs after SIGTERM. */
  drainSeconds: number;
}

// Every process has a service identity: mutual TLS to the internal planes, Redis and etcd.
const core: readonly EnvGroup[] = ["listen", "service-tls", "database", "redis", "etcd", "telemetry"];

type WorkersProcess = Pick<Deployable, "tier" | "http" | "healthOn" | "env" | "drainSeconds"> &
  Partial<Pick<Deployable, "https" | "auth" | "storage">> & {
    /** The argument of `node dist/main.js` when it is not the deployable's name. */
    process?: string;
  };

/** A process of the workers image: one kind per container, its ops server on AGORA_METRICS_PORT. */
function workersProcess(
  name: DeployableName,
  { process = name, ...spec }: WorkersProcess,
): Deployable {
  return {
    name,
    image: "workers",
    command: ["node", "dist/main.js"],
    args: [process],
    metrics: true,
    storage: false,
    nextCache: false,
    ...spec,
  };
}

function web(name: WebApp, extra: readonly EnvGroup[]): Deployable {
  return {
    name,
    tier: "web",
    image: name,
    args: [],
    http: true,
    healthOn: "http",
    metrics: false,
    // identity: people sign in at the OpenID Connect provider (its issuer).
    // secrets: personal data is sealed and opened through the secrets provider; identity-clients:
    // the app's own client secret at the provider.
    env: [
      ...core,
      "public-urls",
      "media",
      "auth",
      "metrics-scrape",
      "identity",
      "secrets",
      "identity-clients",
      ...extra,
    ],
    auth: name,
    storage: extra.includes("storage"),
    nextCache: true,
    drainSeconds: 20,
  };
}

function pool(name: WorkerPool, extra: readonly EnvGroup[], drainSeconds = 60): Deployable {
  return workersProcess(name, {
    tier: "worker",
    http: false,
    healthOn: "metrics",
    // Every pool may seal or open personal data (deliveries, order events) through the provider.
    env: [...core, "metrics", "secrets", ...extra],
    storage: extra.includes("storage"),
    drainSeconds,
  });
}

/** The outbox's own processes, outside the pools and with no HTTP API: relay and projections. */
const outboxProcess = (name: "outbox-relay" | "projections"): Deployable =>
  workersProcess(name, {
    tier: "worker",
    http: false,
    healthOn: "metrics",
    env: [...core, "metrics"],
    drainSeconds: 15,
  });

export const DEPLOYABLES: Record<DeployableName, Deployable> = {
  // The storefront hands the payment provider's URL to the browser's hosted card step.
  storefront: web("storefront", ["payment-provider"]),
  // Shipments are booked with the carrier, whose webhooks go to the payments pool's receiver.
  "vendor-portal": web("vendor-portal", ["storage", "invitations", "media-origin", "carrier"]),
  "ops-console": web("ops-console", [
    "ops-metrics",
    "payment-provider",
    "carrier",
    "invitations",
    "telemetry-read",
    "payment-sim-admin",
  ]),
  // Gateways: one Deployment per instance name (realtime-1 … realtime-n), see workloads/realtime.ts.
  realtime: workersProcess("realtime", {
    process: "realtime-1",
    tier: "service",
    http: true,
    healthOn: "http",
    env: [...core, "metrics", "public-urls", "auth"],
    auth: "storefront",
    drainSeconds: 30,
  }),
  "telemetry-collector": workersProcess("telemetry-collector", {
    tier: "service",
    http: true,
    healthOn: "http",
    https: true,
    // "telemetry" for the ingest token it checks (the collector does not trace itself).
    env: ["listen", "service-tls", "redis", "metrics", "telemetry", "telemetry-read", "telemetry-query"],
    drainSeconds: 10,
  }),
  "media-origin": workersProcess("media-origin", {
    tier: "service",
    http: true,
    healthOn: "http",
    env: ["listen", "service-tls", "metrics", "telemetry", "storage", "media", "media-origin"],
    storage: true,
    drainSeconds: 10,
  }),
  "outbox-relay": outboxProcess("outbox-relay"),
  projections: outboxProcess("projections"),
  "payment-sim": {
    name: "payment-sim",
    tier: "service",
    image: "payment-sim",
    args: [],
    http: true,
    healthOn: "http",
    metrics: false,
    https: true,
    // public-urls: the storefront's origin is the hosted card step's CORS origin.
    env: [
      "listen",
      "service-tls",
      "payment-sim-tls",
      "telemetry",
      "public-urls",
      "carrier-webhook",
      "payment-sim-admin",
      "payment-provider-key",
    ],
    storage: false,
    nextCache: false,
    drainSeconds: 10,
  },
  // The OpenID Connect provider (apps/identity): its issuer is a public host of the Ingress;
  // accounts are core's users, signing keys and sessions live in Redis.
  identity: {
    name: "identity",
    tier: "service",
    image: "identity",
    args: [],
    http: true,
    healthOn: "http",
    metrics: false,
    env: [
      "listen",
      "service-tls",
      "database",
      "redis",
      "telemetry",
      "public-urls",
      "identity",
      "identity-provider",
      // Its signing keys are sealed by a transit key; the apps' client secrets it checks.
      "secrets",
      "identity-clients",
    ],
    storage: false,
    nextCache: false,
    drainSeconds: 10,
  },
  // The inventory gRPC service on PORT; a headless Service lets its callers balance per pod.
  inventory: workersProcess("inventory", {
    tier: "service",
    http: true,
    healthOn: "metrics",
    env: [...core, "metrics"],
    drainSeconds: 15,
  }),
  sagas: pool("sagas", ["carrier", "inventory"]),
  // The payments pool also receives the carrier's webhooks over HTTP (its Service, PORT).
  payments: {
    ...pool("payments", [
      "payment-provider",
      "payment-provider-key",
      "carrier-webhook",
      "inventory",
    ]),
    http: true,
  },
  // The outgoing-mail outbox (the local mailbox, a gateway's spool) lives on the storage volume.
  notifications: pool("notifications", ["public-urls", "storage"]),
  // A CSV import runs in batches; two minutes lets a batch commit before the pod goes.
  imports: pool("imports", ["storage"], 120),
  analytics: pool("analytics", []),
  // The alert evaluator runs in the maintenance pool and scrapes what the console scrapes.
  maintenance: pool("maintenance", ["storage", "media", "ops-metrics", "metrics-scrape"]),
};

export const ALL_DEPLOYABLES: readonly Deployable[] = Object.values(DEPLOYABLES);
