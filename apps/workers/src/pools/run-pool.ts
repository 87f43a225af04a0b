/**
 * One worker pool = one OS process with its own Redis connections and concurrency, so a slow
 * dependency in one pool cannot starve another (bulkheads). Connections go through Sentinel.
 */
import { type Processor, Worker } from "bullmq";
import { createRedis } from "@agora/redis";

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
  worker.on("error", (err) => {
    process.stderr.write(
      `${JSON.stringify({ level: "warn", pool: spec.queue, msg: err.message })}\n`,
    );
  });
  worker.on("failed", (job, err) => {
    process.stderr.write(
      `${JSON.stringify({ level: "error", pool: spec.queue, job: job?.id, msg: err.message })}\n`,
    );
  });
  return {
    close: async () => {
      await worker.close();
      await spec.close?.();
    },
  };
}
