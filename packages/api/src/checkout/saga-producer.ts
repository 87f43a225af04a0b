/** The API's producer side of the `sagas` queue (the saga worker consumes it). */
import { createSagaQueue, queueEnqueuer, type SagaEnqueue } from "@agora/orders";
import { createRedis } from "@agora/redis";
import type { Queue } from "bullmq";
import { outsideCoreRegion } from "../regions/region-settings.ts";

let queue: Queue | undefined;

/**
 * Outside the core region the queue here is the local region's Redis, which no saga worker reads:
 * the order row (committed in the core region) is the durable hand-off, and the core region's
 * recovery sweep starts its saga (apps/workers/src/sagas/checkout/recovery.ts). Costs up to
 * SAGA_STALLED_AFTER_MS + SAGA_SWEEP_EVERY_MS before the first step; see docs/adr/0010.
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
