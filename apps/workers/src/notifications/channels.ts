/**
 * The delivery channels. Each has its OWN BullMQ queue, worker, concurrency and rate limit (a
 * bulkhead: an SMS provider that slows down or fails cannot hold up e-mail or push), bounded
 * retries with exponential backoff + jitter, and its own dead-letter queue for messages that
 * exhausted their attempts.
 */
export const CHANNELS = ["email", "sms", "push"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ChannelPolicy {
  /** Jobs this process works on at once for the channel. */
  concurrency: number;
  /** BullMQ limiter, shared by every worker of the queue: at most `max` jobs per `durationMs`. */
  rateLimit: { max: number; durationMs: number };
  /** Total tries, the first included. */
  attempts: number;
  /** First retry waits about this long, doubling per attempt; `jitter` 0.5 = up to half less. */
  backoffMs: number;
  jitter: number;
}

/**
 * Defaults reflect what real providers tolerate: SMS gateways throttle hard and cost money, push
 * fans out cheaply, e-mail sits in between.
 */
export const DEFAULT_CHANNEL_POLICY: Readonly<Record<Channel, ChannelPolicy>> = {
  email: {
    concurrency: 8,
    rateLimit: { max: 50, durationMs: 1000 },
    attempts: 5,
    backoffMs: 1000,
    jitter: 0.5,
  },
  sms: {
    concurrency: 2,
    rateLimit: { max: 10, durationMs: 1000 },
    attempts: 5,
    backoffMs: 2000,
    jitter: 0.5,
  },
  push: {
    concurrency: 16,
    rateLimit: { max: 200, durationMs: 1000 },
    attempts: 4,
    backoffMs: 500,
    jitter: 0.5,
  },
};

export const channelQueueName = (channel: Channel) => `notify-${channel}`;
export const deadLetterQueueName = (channel: Channel) => `notify-${channel}-dlq`;

/** Job data of a channel queue: the delivery row is the source of truth, the job only points to it. */
export interface DeliveryJob {
  deliveryId: string;
  channel: Channel;
}

/** Job data of a dead-letter queue: enough to inspect and replay. */
export interface DeadLetterJob extends DeliveryJob {
  attempts: number;
  error: string;
  failedAt: string;
}
