/**
 * Wiring of the notifications pipeline: the consumer of `outbox-order.notifications` (idempotent
 * through `consumeOnce`) and, per channel, a producer queue, a worker with its own concurrency and
 * rate limit, and a dead-letter queue. Used by the `notifications` pool and by the tests.
 */
import { type Job, type JobsOptions, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { core } from "@agora/db";
import { consumeOnce, coreDedupeStore, type ConsumeOutcome } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { subscriberQueueName } from "../outbox/subscriptions.ts";
import {
  CHANNELS,
  type Channel,
  type ChannelPolicy,
  channelQueueName,
  type DeadLetterJob,
  DEFAULT_CHANNEL_POLICY,
  deadLetterQueueName,
  type DeliveryJob,
} from "./channels.ts";
import { type FaultInjector, simulatedSender } from "./channel-sender.ts";
import { deliveryProcessor } from "./delivery-worker.ts";
import { recordOrderNotifications, unfinishedDeliveries } from "./record-notification.ts";

/** Subscriber name in outbox/subscriptions.ts, and the consumer name of its dedupe rows. */
export const NOTIFICATIONS_CONSUMER = "notifications";
export const NOTIFICATIONS_OUTBOX_QUEUE = subscriberQueueName("order", NOTIFICATIONS_CONSUMER);

export interface NotificationServiceOptions {
  /** A new Redis connection (BullMQ workers block on theirs, so each needs its own). */
  connect: (name: string) => Redis;
  /** Root of the simulated mailboxes (`<stateDir>/mailbox/<channel>/`). */
  stateDir: string;
  policy?: Partial<Record<Channel, Partial<ChannelPolicy>>>;
  faults?: Partial<Record<Channel, FaultInjector>>;
  /** BullMQ key prefix; tests use their own so a running pool never takes their jobs. */
  prefix?: string;
  /** Consumer name for the dedupe rows (tests use their own). */
  consumer?: string;
  onError?: (err: Error, where: string) => void;
}

export interface NotificationService {
  policy: Readonly<Record<Channel, ChannelPolicy>>;
  /** Processor of the outbox subscriber queue. */
  handleOutboxMessage: (job: Job<OutboxMessage>) => Promise<ConsumeOutcome>;
  /** Hands delivery rows to their channel queues (job id = delivery id: a repeat is a no-op). */
  enqueue: (jobs: DeliveryJob[]) => Promise<void>;
  /** Starts the three channel workers. */
  startChannelWorkers: () => Worker<DeliveryJob>[];
  queues: Record<Channel, Queue<DeliveryJob>>;
  deadLetters: Record<Channel, Queue<DeadLetterJob>>;
  close: () => Promise<void>;
}

const defaultOnError = (err: Error, where: string) =>
  process.stderr.write(`${JSON.stringify({ level: "warn", where, msg: err.message })}\n`);

/** A delivery job's options: its id is the delivery id, retries bounded by the channel's policy. */
export function deliveryJobOptions(p: ChannelPolicy, deliveryId: string): JobsOptions {
  return {
    jobId: deliveryId,
    attempts: p.attempts,
    backoff: { type: "exponential", delay: p.backoffMs, jitter: p.jitter },
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function createNotificationService(opts: NotificationServiceOptions): NotificationService {
  const onError = opts.onError ?? defaultOnError;
  const prefix = opts.prefix;
  const consumer = opts.consumer ?? NOTIFICATIONS_CONSUMER;
  const policy = Object.fromEntries(
    CHANNELS.map((c) => [c, { ...DEFAULT_CHANNEL_POLICY[c], ...opts.policy?.[c] }]),
  ) as Record<Channel, ChannelPolicy>;
  const producer = opts.connect("notifications:producer");
  const queues = {} as Record<Channel, Queue<DeliveryJob>>;
  const deadLetters = {} as Record<Channel, Queue<DeadLetterJob>>;
  for (const c of CHANNELS) {
    queues[c] = new Queue<DeliveryJob>(channelQueueName(c), { connection: producer, prefix });
    deadLetters[c] = new Queue<DeadLetterJob>(deadLetterQueueName(c), {
      connection: producer,
      prefix,
    });
    queues[c].on("error", (err) => onError(err, channelQueueName(c)));
    deadLetters[c].on("error", (err) => onError(err, deadLetterQueueName(c)));
  }
  const workers: Worker<DeliveryJob>[] = [];
  const connections: Redis[] = [producer];

  async function enqueue(jobs: DeliveryJob[]): Promise<void> {
    for (const job of jobs) {
      const p = policy[job.channel];
      // Job id = delivery id: re-enqueueing a delivery that is still queued or retrying is a no-op.
      await queues[job.channel].add(job.channel, job, deliveryJobOptions(p, job.deliveryId));
    }
  }

  return {
    policy,
    queues,
    deadLetters,
    enqueue,
    async handleOutboxMessage(job) {
      const message = job.data;
      let jobs: DeliveryJob[] = [];
      const outcome = await consumeOnce(coreDedupeStore(), consumer, message, async (tx) => {
        jobs = await recordOrderNotifications(tx, message);
      });
      // A redelivery after a crash between commit and enqueue finds the rows but not the jobs:
      // put back what is unfinished (same job ids, so nothing runs twice).
      if (outcome === "duplicate")
        jobs = await unfinishedDeliveries(core().primary, message.messageId);
      await enqueue(jobs);
      return outcome;
    },
    startChannelWorkers() {
      for (const c of CHANNELS) {
        const p = policy[c];
        const connection = opts.connect(`notifications:${c}`);
        connections.push(connection);
        const worker = new Worker<DeliveryJob>(
          channelQueueName(c),
          deliveryProcessor({
            channel: c,
            sender: simulatedSender({
              channel: c,
              stateDir: opts.stateDir,
              faults: opts.faults?.[c],
            }),
            deadLetters: deadLetters[c],
          }),
          {
            connection,
            prefix,
            concurrency: p.concurrency,
            limiter: { max: p.rateLimit.max, duration: p.rateLimit.durationMs },
          },
        );
        worker.on("error", (err) => onError(err, `worker ${channelQueueName(c)}`));
        workers.push(worker);
      }
      return workers;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(
        [...Object.values(queues), ...Object.values(deadLetters)].map((q) => q.close()),
      );
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
