/**
 * `main.ts projections`: the search projection's BullMQ workers (one per subscribed topic queue;
 * stock events of one product one at a time, the newest winning: stock-coalescer.ts), the vendor
 * sub-order projection (vendor-orders-projection.ts), and the cache invalidation after
 * each applied catalog change. Invalidation runs after the commit: a
 * reader that loads between the commit and the DEL caches the new row already, and if Redis is
 * down the entries still expire on their TTL.
 */
import { invalidateProducts } from "@agora/api/cache";
import { createRedis } from "@agora/redis";
import { type Job, Worker } from "bullmq";
import { z } from "zod";
import { loadConfig } from "@agora/config";
import { STOCK_TOPIC } from "@agora/db";
import { type ConsumeOutcome, coreDedupeStore } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { subscriberQueueName } from "../outbox/subscriptions.ts";
import { CheckpointRecorder, projectCatalogEvent, SEARCH_PROJECTION } from "./search-projection.ts";
import { StockCoalescer } from "./stock-coalescer.ts";
import { projectVendorOrders, VENDOR_ORDERS_PROJECTION } from "./vendor-orders-projection.ts";
import { createLogger } from "@agora/telemetry";

const envSchema = z.object({
  PROJECTION_CONCURRENCY: z.coerce.number().int().positive().max(64).default(8),
});

const logger = createLogger({ service: "workers-projections" });

function log(level: "info" | "warn" | "error", fields: Record<string, unknown>): void {
  const { msg, ...rest } = fields;
  logger[level]({ pool: "projections", ...rest }, typeof msg === "string" ? msg : "projections");
}

export function startProjections(): { close: () => Promise<void> } {
  const env = loadConfig(envSchema);
  const cache = createRedis({ connectionName: "projections:cache" });
  const store = coreDedupeStore();
  const checkpoints = new CheckpointRecorder({
    onError: (err) => log("warn", { msg: "projection checkpoint not written (kept for the next flush)", err: String(err) }),
  });
  const stock = new StockCoalescer();
  const apply = (m: OutboxMessage) => () => projectCatalogEvent(store, m, checkpoints);
  const processor = async (job: Job<OutboxMessage>) => {
    const m = job.data;
    const { outcome, changed } =
      m.aggregateType === STOCK_TOPIC && m.eventType === "StockChanged"
        ? await stock.run<{ outcome: ConsumeOutcome | "superseded"; changed: string[] }>(m, apply(m), () => {
            // Older than what this process applied: nothing to write (stock-coalescer.ts).
            checkpoints.note(m);
            return { outcome: "superseded" as const, changed: [] };
          })
        : await apply(m)();
    if (changed.length > 0) {
      await invalidateProducts(cache, changed).catch((err: unknown) => {
        // Committed already: a retry would be a duplicate. The TTL bounds how stale the cache gets.
        log("warn", { msg: "cache invalidation failed", err: String(err), products: changed });
      });
    }
    return outcome;
  };
  const workers = ["product", "stock"].map((topic) => {
    const queue = subscriberQueueName(topic, SEARCH_PROJECTION);
    const w = new Worker<OutboxMessage>(queue, processor, {
      connection: createRedis({ maxRetriesPerRequest: null, connectionName: `pool:${queue}` }),
      concurrency: env.PROJECTION_CONCURRENCY,
    });
    w.on("error", (err) => log("warn", { queue, msg: err.message }));
    w.on("failed", (job, err) => log("error", { queue, job: job?.id, msg: err.message }));
    return w;
  });
  // Vendor sub-order fulfilment columns on the shards, from the order aggregate's events.
  const vendorOrdersQueue = subscriberQueueName("order", VENDOR_ORDERS_PROJECTION);
  const vendorOrders = new Worker<OutboxMessage>(
    vendorOrdersQueue,
    (job) => projectVendorOrders(job.data),
    {
      connection: createRedis({
        maxRetriesPerRequest: null,
        connectionName: `pool:${vendorOrdersQueue}`,
      }),
      concurrency: env.PROJECTION_CONCURRENCY,
    },
  );
  vendorOrders.on("error", (err) => log("warn", { queue: vendorOrdersQueue, msg: err.message }));
  vendorOrders.on("failed", (job, err) =>
    log("error", { queue: vendorOrdersQueue, job: job?.id, msg: err.message }),
  );
  workers.push(vendorOrders);
  return {
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await checkpoints.close();
      await cache.quit();
    },
  };
}
