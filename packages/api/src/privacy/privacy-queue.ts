/** The producer side of the privacy jobs: one job per request, its id the request's id. */
import { createRedis } from "@agora/redis";
import { Queue } from "bullmq";
import { MAINTENANCE_QUEUE, type PrivacyJob } from "./privacy-contract.ts";

let queue: Queue | undefined;
function privacyQueue(): Queue {
  queue ??= new Queue(MAINTENANCE_QUEUE, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: "api:privacy:producer" }),
  });
  return queue;
}

/**
 * Enqueues the request's job. A lost enqueue (Redis failing over after the row committed) is
 * picked up by the maintenance pool's privacy sweep, which runs requests left queued.
 */
export async function enqueuePrivacyJob(name: string, job: PrivacyJob): Promise<void> {
  await privacyQueue().add(name, job, {
    jobId: `${name}-${job.requestId}`,
    attempts: 5,
    backoff: { type: "exponential", delay: 2_000 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}
