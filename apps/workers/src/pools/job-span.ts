/**
 * The consumer span of one BullMQ job: continues the trace whose context the producer put in the
 * job data (checkout.place, a previous saga step, a vendor action) and names the queue, job and
 * attempt, so a retried step shows up as several spans of one trace.
 */
import type { Job } from "bullmq";
import { extractFromJobData, inSpan, SpanKind } from "@agora/telemetry";

export function inJobSpan<R>(
  job: Job,
  attributes: Record<string, string | number>,
  fn: () => Promise<R>,
): Promise<R> {
  return inSpan(
    `${job.queueName} process ${job.name}`,
    {
      kind: SpanKind.CONSUMER,
      parent: extractFromJobData(job.data),
      attributes: {
        "messaging.system": "bullmq",
        "messaging.destination.name": job.queueName,
        "messaging.message.id": job.id ?? "",
        "agora.attempt": job.attemptsMade + 1,
        ...attributes,
      },
    },
    fn,
  );
}
