/**
 * The `analytics` pool: the streaming half of the rollups (the `order` outbox subscriber as the
 * pool's queue, its sale events counted a window at a time, and the `analytics:views` stream
 * reader) and the batch half (the reconcile job scheduler and its worker), in one process of its
 * own so a slow recompute never delays another pool.
 */
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "bullmq";
import { z } from "zod";
import { loadConfig } from "@agora/config";
import { createRedis } from "@agora/redis";
import {
  ANALYTICS_ORDER_QUEUE,
  batchedOrderProcessor,
  closeSalesPulses,
} from "../analytics/order-consumer.ts";
import {
  createReconcileQueue,
  RECONCILE_QUEUE,
  reconcileProcessor,
  scheduleReconcile,
} from "../analytics/reconcile-queue.ts";
import { drainViews, ensureViewGroup } from "../analytics/view-consumer.ts";
import type { PoolSpec } from "./run-pool.ts";

const envSchema = z.object({
  /** Sale events in flight; a batch counts at most this many (waiting ones hold no connection). */
  ANALYTICS_ORDER_CONCURRENCY: z.coerce.number().int().positive().max(64).default(16),
  /** How long a sale event waits for others to be counted with it in one transaction. */
  ANALYTICS_ORDER_BATCH_MS: z.coerce.number().int().min(0).max(5_000).default(250),
  /** How often the batch recomputes recent days ("nightly" by default). */
  ANALYTICS_RECONCILE_EVERY_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600 * 1000),
  /** How many whole UTC days, up to today, each scheduled run recomputes. */
  ANALYTICS_RECONCILE_DAYS: z.coerce.number().int().positive().max(366).default(2),
});

const log = (level: string, fields: Record<string, unknown>) =>
  process.stderr.write(`${JSON.stringify({ level, pool: "analytics", ...fields })}\n`);

/** Reads the view stream until stopped; errors back off (bounded, with jitter) and go on. */
function startViewReader(): { stop: () => Promise<void> } {
  const redis = createRedis({ maxRetriesPerRequest: null, connectionName: "analytics:views" });
  redis.on("error", (err) => log("warn", { where: "views", msg: err.message }));
  const consumer = `${hostname()}-${process.pid}`;
  let stopped = false;
  let groupReady = false;
  let failures = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        if (!groupReady) await ensureViewGroup(redis);
        groupReady = true;
        await drainViews(redis, consumer, { blockMs: 2_000 });
        failures = 0;
      } catch (err) {
        if (stopped) break;
        // The group is gone with the stream (a Redis that lost its data): create it again.
        if ((err as Error).message.includes("NOGROUP")) groupReady = false;
        failures += 1;
        log("warn", { where: "views", msg: (err as Error).message, failures });
        await sleep(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)) * (0.5 + Math.random() / 2));
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      redis.disconnect();
      await loop;
    },
  };
}

export function analyticsPool(): PoolSpec {
  const env = loadConfig(envSchema);
  const queue = createReconcileQueue(
    createRedis({ maxRetriesPerRequest: null, connectionName: "pool:analytics:producer" }),
  );
  const orders = batchedOrderProcessor({
    windowMs: env.ANALYTICS_ORDER_BATCH_MS,
    maxEvents: env.ANALYTICS_ORDER_CONCURRENCY,
    onBatchError: (err, size) =>
      log("warn", {
        where: ANALYTICS_ORDER_QUEUE,
        msg: `a batch of ${size} sale events failed; counting them one by one`,
        err: String(err),
      }),
  });
  let reconcileWorker: Worker | undefined;
  let views: { stop: () => Promise<void> } | undefined;
  return {
    queue: ANALYTICS_ORDER_QUEUE,
    concurrency: env.ANALYTICS_ORDER_CONCURRENCY,
    processor: orders.processor,
    init: async () => {
      await scheduleReconcile(
        queue,
        env.ANALYTICS_RECONCILE_EVERY_MS,
        env.ANALYTICS_RECONCILE_DAYS,
      );
      reconcileWorker = new Worker(RECONCILE_QUEUE, reconcileProcessor, {
        connection: createRedis({
          maxRetriesPerRequest: null,
          connectionName: "pool:analytics:reconcile",
        }),
        concurrency: 1,
        // A day of events can take a while to recompute; keep the lock while it runs.
        lockDuration: 120_000,
      });
      reconcileWorker.on("error", (err) =>
        log("warn", { where: RECONCILE_QUEUE, msg: err.message }),
      );
      reconcileWorker.on("failed", (job, err) =>
        log("error", { where: RECONCILE_QUEUE, job: job?.id, msg: err.message }),
      );
      views = startViewReader();
    },
    close: async () => {
      await orders.close();
      await views?.stop();
      await reconcileWorker?.close();
      closeSalesPulses();
      await queue.close();
    },
  };
}
