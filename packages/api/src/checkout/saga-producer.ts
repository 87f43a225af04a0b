/** The API's producer side of the `sagas` queue (the saga worker consumes it). */
import { createSagaQueue, queueEnqueuer, type SagaEnqueue } from "@agora/orders";
import { createRedis } from "@agora/redis";
import type { Queue } from "bullmq";
import { outsideCoreRegion } from "../regions/region-settings.ts";

let queue: Queue | undefined;

/**
 * Outside the core region the queue here is the local region's Redis, which no saga worker reads:
 * the order is placed with `sagaStart: "outbox"`, and its OrderPlaced outbox row (committed with
 * it in the core region) is the durable hand-off — the core region's relay routes it to the sagas
 * pool, which queues the first step (apps/workers/src/sagas/checkout/saga-hand-off.ts); the
 * recovery sweep is the backstop. See docs/adr/0010 "Workers in us".
 */
const startedByCoreRegion: SagaEnqueue = async () => {};

export function sagaEnqueue(): SagaEnqueue {
  if (outsideCoreRegion()) return startedByCoreRegion;
  queue ??= createSagaQueue(
    // BullMQ needs maxRetriesPerRequest: null; connections go through Sentinel.
    createRedis({ maxRetriesPerRequest: null, connectionName: "api-saga-producer" }),
  );
  return queueEnqueuer(queue);
}

export async function closeSagaProducer(): Promise<void> {
  const q = queue;
  queue = undefined;
  await q?.close();
}
