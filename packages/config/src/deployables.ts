/**
 * Agora's process kinds (product facts): every producer of configuration (infra/local, the
 * Kubernetes generator) builds one environment per process from this list.
 */

/** Next.js apps. */
export const WEB_APPS = ["storefront", "vendor-portal", "ops-console"] as const;
export type WebApp = (typeof WEB_APPS)[number];

/** BullMQ worker pools, one process each (bulkheads). */
export const WORKER_POOLS = [
  "sagas",
  "payments",
  "notifications",
  "imports",
  "analytics",
  "maintenance",
] as const;
export type WorkerPool = (typeof WORKER_POOLS)[number];

/** Non-Next processes of the workers image: `node dist/main.js <kind>`. */
export const WORKER_IMAGE_PROCESSES = [
  ...WORKER_POOLS,
  "outbox-relay",
  "projections",
  "realtime",
  "telemetry-collector",
  "media-origin",
  "inventory",
] as const;

/**
 * Worker processes that serve /metrics, /healthz, /readyz on `AGORA_METRICS_PORT` (realtime
 * and inventory instances are numbered: `realtime-1`, `inventory-2`, …).
 */
export const WORKER_PROCESSES = [
  "sagas",
  "outbox-relay",
  "notifications",
  "projections",
  "payments",
  "analytics",
  "maintenance",
  "realtime-1",
  "realtime-2",
  "imports",
  "inventory-1",
  "inventory-2",
  // The outbox relay's hot standby (a second candidate in the same election).
  "outbox-relay-2",
] as const;
export type WorkerProcessName = (typeof WORKER_PROCESSES)[number];

export function isWorkerProcess(name: string): name is WorkerProcessName {
  return (WORKER_PROCESSES as readonly string[]).includes(name);
}
