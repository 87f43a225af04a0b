/**
 * Publishes outbox messages to BullMQ: one queue per topic, job id = message id (BullMQ ignores an
 * add whose id already exists, so a batch re-published after a relay crash is not duplicated while
 * the job is retained; after that the consumers' dedupe table catches it).
 */
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { OutboxMessage } from "./outbox-message.ts";
import { queuesFor } from "./subscriptions.ts";
import { createLogger } from "@agora/telemetry";

const log = createLogger({ service: "outbox-relay" });

export interface OutboxPublisher {
  /** Resolves once every message is in Redis; rejects (or times out) otherwise. */
  publish(messages: OutboxMessage[]): Promise<void>;
  close(): Promise<void>;
}

export const OUTBOX_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 500, jitter: 0.5 },
  // Kept a day so a re-publish within that window is deduplicated by the job id itself.
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export class PublishTimeoutError extends Error {
  readonly code = "PUBLISH_TIMEOUT";
  constructor(ms: number) {
    super(`publishing to BullMQ took longer than ${ms} ms`);
    this.name = "PublishTimeoutError";
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createBullmqPublisher(opts: {
  connection: Redis;
  timeoutMs?: number;
  onError?: (err: Error) => void;
}): OutboxPublisher {
  const queues = new Map<string, Queue>();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const queueNamed = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: opts.connection });
      q.on("error", opts.onError ?? ((err: Error) => log.warn({ queue: name }, err.message)));
      queues.set(name, q);
    }
    return q;
  };
  return {
    async publish(messages) {
      const byQueue = new Map<string, OutboxMessage[]>();
      for (const m of messages)
        for (const queue of queuesFor(m.aggregateType, m.eventType, m.payload))
          byQueue.set(queue, [...(byQueue.get(queue) ?? []), m]);
      const adds = [...byQueue].map(([queue, ms]) =>
        queueNamed(queue).addBulk(
          ms.map((m) => ({
            name: m.eventType,
            data: m,
            opts: { ...OUTBOX_JOB_OPTIONS, jobId: m.messageId },
          })),
        ),
      );
      await withTimeout(Promise.all(adds), timeoutMs);
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}
