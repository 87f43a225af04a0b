/**
 * One worker pool = one OS process with its own Redis connections and concurrency, so a slow
 * dependency in one pool cannot starve another (bulkheads). Connections go through Sentinel.
 */
import { type Processor, Queue, Worker } from "bullmq";
import { etcdSchema, listenSchema, loadConfig, metricsPortSchema, registrySchema } from "@agora/config";
import { createRedis } from "@agora/redis";
import { type SelfRegistration, selfRegistration } from "@agora/registry";
import { createLogger, metricsRegistry } from "@agora/telemetry";
import { Gauge } from "prom-client";

const log = createLogger({ service: "workers" });

export interface PoolSpec {
  /** Queue name; also the pool's name in logs and the service registry. */
  queue: string;
  concurrency: number;
  processor: Processor;
  /** Runs once before the worker starts (e.g. registering job schedulers). */
  init?: () => Promise<void>;
  /** Releases what the spec owns (producer connections, breakers) after the worker closed. */
  close?: () => Promise<void>;
}

/**
 * With AGORA_ETCD_ENDPOINTS set, a pool process registers as an instance of `workers-<pool>` (ready
 * while its worker runs), so the registry lists every process of every pool and a scale-in shows
 * the instance draining. A consumer serves no traffic: its address is its ops port, or port 0.
 */
function registerPool(pool: string, worker: Worker): SelfRegistration | undefined {
  if (!process.env.AGORA_ETCD_ENDPOINTS) return undefined;
  const { etcd, listen, registry } = loadConfig({
    etcd: etcdSchema,
    registry: registrySchema,
    listen: listenSchema.pick({ HOST: true, AGORA_SERVICE_NAME: true }).extend(metricsPortSchema.shape),
  });
  const host = listen.HOST === "0.0.0.0" ? "127.0.0.1" : listen.HOST;
  return selfRegistration({
    endpoints: etcd.AGORA_ETCD_ENDPOINTS,
    prefix: etcd.AGORA_ETCD_PREFIX,
    instance: {
      service: `workers-${pool}`,
      instanceId: listen.AGORA_SERVICE_NAME ?? `workers-${pool}-${process.pid}`,
      address: `${host}:${listen.AGORA_METRICS_PORT ?? 0}`,
      version: registry.AGORA_VERSION,
      region: registry.AGORA_REGION,
    },
    probe: () => Promise.resolve(worker.isRunning()),
    log: (line, err) => log.info({ pool }, `[registry] ${line}${err ? `: ${err.message}` : ""}`),
  });
}

export async function runPool(
  spec: PoolSpec,
  opts: { pool?: string } = {},
): Promise<{ close: () => Promise<void> }> {
  await spec.init?.();
  const worker = new Worker(spec.queue, spec.processor, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: `pool:${spec.queue}` }),
    concurrency: spec.concurrency,
  });
  const registration = registerPool(opts.pool ?? spec.queue, worker);
  observeQueue(spec.queue);
  worker.on("error", (err) => {
    log.warn({ pool: spec.queue }, err.message);
  });
  worker.on("failed", (job, err) => {
    log.error({ pool: spec.queue, job: job?.id }, err.message);
  });
  return {
    // Scale-in and npm stop: not ready in the registry first, then the running jobs finish
    // (`worker.close()` waits for them) before the connections go.
    close: async () => {
      await registration?.stop();
      await worker.close();
      await spec.close?.();
    },
  };
}

/** `agora_queue_jobs{queue,state}` and the oldest waiting job's age, read from Redis on scrape. */
function observeQueue(name: string): void {
  const queue = new Queue(name, {
    connection: createRedis({ maxRetriesPerRequest: 1, connectionName: `pool:${name}:metrics` }),
  });
  new Gauge({
    registers: [metricsRegistry],
    name: "agora_queue_jobs",
    help: "BullMQ jobs per queue and state",
    labelNames: ["queue", "state"] as const,
    async collect() {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
      for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
    },
  });
  new Gauge({
    registers: [metricsRegistry],
    name: "agora_queue_oldest_waiting_seconds",
    help: "Age of the oldest waiting job per queue",
    labelNames: ["queue"] as const,
    async collect() {
      const [oldest] = await queue.getWaiting(0, 0);
      this.set({ queue: name }, oldest ? (Date.now() - oldest.timestamp) / 1000 : 0);
    },
  });
}
