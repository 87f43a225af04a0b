/**
 * The stream side for sales: consumes the core outbox topic `order` as subscriber `analytics`.
 * Each money event is counted once: `consumeOnce` dedupes the message, and the applied-event
 * marker (shared with the batch) dedupes the event itself, both in the rollup's transaction.
 */
import { UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";
import { type ConsumeOutcome, consumeOnce, coreDedupeStore } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { subscriberQueueName } from "../outbox/subscriptions.ts";
import { applyOrderEvent } from "./order-events.ts";
import { lockRollupsShared } from "./rollup-store.ts";
import { SALE_EVENT_TYPES } from "./sale-effects.ts";

/** Subscriber name in outbox/subscriptions.ts, and the consumer name of its dedupe rows. */
export const ANALYTICS_CONSUMER = "analytics";
export const ANALYTICS_ORDER_QUEUE = subscriberQueueName("order", ANALYTICS_CONSUMER);

const orderMessageSchema = z.object({
  orderId: z.uuid(),
  version: z.number().int().positive(),
});

const isSaleEvent = (type: string) => (SALE_EVENT_TYPES as readonly string[]).includes(type);

export async function consumeOrderMessage(
  message: OutboxMessage,
  consumer = ANALYTICS_CONSUMER,
): Promise<ConsumeOutcome | "ignored"> {
  if (!isSaleEvent(message.eventType)) return "ignored";
  const parsed = orderMessageSchema.safeParse(message.payload);
  // A malformed message stays malformed: retrying it would only repeat the failure.
  if (!parsed.success)
    throw new UnrecoverableError(`message ${message.messageId}: ${parsed.error.message}`);
  const { orderId, version } = parsed.data;
  return consumeOnce(coreDedupeStore(), consumer, message, async (tx) => {
    await lockRollupsShared(tx);
    await applyOrderEvent(tx, orderId, version);
  });
}

/** BullMQ processor of `outbox-order.analytics`. */
export const orderMessageProcessor = (job: Job<OutboxMessage>) => consumeOrderMessage(job.data);
