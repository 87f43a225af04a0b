/** The API's producer side of the `payments` queue: vendor refund and cancellation jobs. */
import {
  createSagaQueue,
  PAYMENTS_QUEUE,
  vendorRefundEnqueuer,
  type VendorRefundJob,
} from "@agora/orders";
import { createRedis } from "@agora/redis";
import type { Queue } from "bullmq";

let queue: Queue | undefined;

export function enqueueVendorRefund(job: VendorRefundJob): Promise<void> {
  // BullMQ needs maxRetriesPerRequest: null; connections go through Sentinel.
  queue ??= createSagaQueue(
    createRedis({ maxRetriesPerRequest: null, connectionName: "api-refund-producer" }),
    PAYMENTS_QUEUE,
  );
  return vendorRefundEnqueuer(queue)(job);
}

export async function closeRefundProducer(): Promise<void> {
  const q = queue;
  queue = undefined;
  await q?.close();
}
