/** The API's producer side of the `sagas` queue (the saga worker consumes it). */
import { createSagaQueue, queueEnqueuer, type SagaEnqueue } from "@agora/orders";
import { createRedis } from "@agora/redis";
import type { Queue } from "bullmq";

let queue: Queue | undefined;

export function sagaEnqueue(): SagaEnqueue {
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
