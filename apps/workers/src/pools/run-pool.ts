/**
 * One worker pool = one OS process with its own Redis connections and concurrency, so a slow
 * dependency in one pool cannot starve another (bulkheads). Connections go through Sentinel.
 */
import { type Processor, Queue, Worker } from "bullmq";
import { createRedis } from "@agora/redis";
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

export async function runPool(spec: PoolSpec): Promise<{ close: () => Promise<void> }> {
  await spec.init?.();
  const worker = new Worker(spec.queue, spec.processor, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: `pool:${spec.queue}` }),
    concurrency: spec.concurrency,
  });
  observeQueue(spec.queue);
  worker.on("error", (err) => {
    log.warn({ pool: spec.queue }, err.message);
  });
  worker.on("failed", (job, err) => {
    log.error({ pool: spec.queue, job: job?.id }, err.message);
  });
  return {
    close: async () => {
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
