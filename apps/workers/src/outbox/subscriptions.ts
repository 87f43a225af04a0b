/**
 * Fan-out: which consumers receive each outbox topic. Every subscriber gets its own BullMQ queue
 * (`outbox-<topic>.<subscriber>`), so a slow consumer (say, notifications) never delays another
 * (the live-stock push) and each one dedupes on its own name. A topic nobody subscribes to goes
 * to the single queue `outbox-<topic>`.
 *
 * A subscriber that acts on a few event types of a busy topic names them (`events`): the relay
 * sends it nothing else. An order's saga writes seven events; a consumer that ignores six of them
 * would otherwise pay a queue round trip (and, for the notifications, a dedupe transaction on
 * core) for each.
 */
import { sagaHandOff } from "@agora/orders";
import { SALE_EVENT_TYPES } from "../analytics/sale-effects.ts";
import { SHOPPER_NOTICE_EVENTS, VENDOR_NOTICE_EVENTS } from "../notifications/order-notice.ts";
import { EVENTS_BEFORE_FULFILMENT } from "../projections/vendor-orders-projection.ts";
import { outboxQueueName } from "./outbox-message.ts";

export interface Subscription {
  subscriber: string;
  /** Only these event types reach it; absent: every event of the topic. */
  events?: readonly string[];
  /** Event types it is never sent (it acts on everything else). */
  ignores?: readonly string[];
  /** Only messages whose payload passes reach it (after `events`/`ignores`). */
  accepts?: (payload: unknown) => boolean;
}

/**
 * Orders taken in a region without saga workers: the core region's sagas pool starts their saga
 * from OrderPlaced (pools/sagas.ts), a relay poll after the commit instead of the recovery sweep's
 * 30–45 s (docs/adr/0010 "Workers in us").
 */
export const SAGA_HAND_OFF_SUBSCRIBER = "saga-start";

export const SUBSCRIPTIONS: Readonly<Record<string, readonly Subscription[]>> = {
  // shard outboxes: catalog and stock of one vendor
  product: [{ subscriber: "search-projection" }],
  stock: [
    { subscriber: "search-projection" },
    { subscriber: "live-stock" },
    { subscriber: "vendor-notices" },
  ],
  // core outbox: the order aggregate's events
  order: [
    { subscriber: "live-orders" },
    { subscriber: "notifications", events: SHOPPER_NOTICE_EVENTS },
    { subscriber: "analytics", events: SALE_EVENT_TYPES },
    { subscriber: "vendor-notices", events: VENDOR_NOTICE_EVENTS },
    { subscriber: "vendor-orders", ignores: EVENTS_BEFORE_FULFILMENT },
    { subscriber: SAGA_HAND_OFF_SUBSCRIBER, events: ["OrderPlaced"], accepts: (p) => sagaHandOff(p) !== null },
  ],
  // core outbox: vendor payouts (notice to the owner) and staff invitations (the invitation mail)
  payout: [{ subscriber: "vendor-notices" }],
  staff: [{ subscriber: "vendor-notices" }],
};

/** Every queue of `topic`, whatever the event. */
export function queuesForTopic(topic: string): string[] {
  const subs = SUBSCRIPTIONS[topic];
  if (!subs || subs.length === 0) return [outboxQueueName(topic)];
  return subs.map((s) => subscriberQueueName(topic, s.subscriber));
}

/** The queues one message of `topic` with `eventType` and `payload` is published to. */
export function queuesFor(topic: string, eventType: string, payload: unknown): string[] {
  const subs = SUBSCRIPTIONS[topic];
  if (!subs || subs.length === 0) return [outboxQueueName(topic)];
  return subs
    .filter(
      (s) =>
        (!s.events || s.events.includes(eventType)) &&
        !s.ignores?.includes(eventType) &&
        (!s.accepts || s.accepts(payload)),
    )
    .map((s) => subscriberQueueName(topic, s.subscriber));
}

/** The queue a subscriber consumes for `topic`. */
export function subscriberQueueName(topic: string, subscriber: string): string {
  if (!/^[a-z0-9-]+$/.test(subscriber)) throw new Error(`invalid subscriber name "${subscriber}"`);
  return `${outboxQueueName(topic)}.${subscriber}`;
}
