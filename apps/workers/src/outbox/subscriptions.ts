/**
 * Fan-out: which consumers receive each outbox topic. Every subscriber gets its own BullMQ queue
 * (`outbox-<topic>.<subscriber>`), so a slow consumer (say, notifications) never delays another
 * (the live-stock push) and each one dedupes on its own name. A topic nobody subscribes to goes
 * to the single queue `outbox-<topic>`.
 */
import { outboxQueueName } from "./outbox-message.ts";

export const SUBSCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  // shard outboxes: catalog and stock of one vendor
  product: ["search-projection"],
  stock: ["search-projection", "live-stock", "vendor-notices"],
  // core outbox: the order aggregate's events
  order: ["live-orders", "notifications", "analytics", "vendor-notices", "vendor-orders"],
  // core outbox: vendor payouts (notice to the owner) and staff invitations (the invitation mail)
  payout: ["vendor-notices"],
  staff: ["vendor-notices"],
};

/** The queues one message of `topic` is published to. */
export function queuesForTopic(topic: string): string[] {
  const subs = SUBSCRIPTIONS[topic];
  if (!subs || subs.length === 0) return [outboxQueueName(topic)];
  return subs.map((s) => subscriberQueueName(topic, s));
}

/** The queue a subscriber consumes for `topic`. */
export function subscriberQueueName(topic: string, subscriber: string): string {
  if (!/^[a-z0-9-]+$/.test(subscriber)) throw new Error(`invalid subscriber name "${subscriber}"`);
  return `${outboxQueueName(topic)}.${subscriber}`;
}
