/**
 * The stream side for sales: consumes the core outbox topic `order` as subscriber `analytics`.
 * Each money event is counted once: `consumeOnce` dedupes the message, and the applied-event
 * marker (shared with the batch) dedupes the event itself, both in the rollup's transaction.
 */
import { publishSalesPulses } from "@agora/api/sales-pulse";
import { createRedis } from "@agora/redis";
import { UnrecoverableError, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { type ConsumeOutcome, consumeOnce, coreDedupeStore } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { subscriberQueueName } from "../outbox/subscriptions.ts";
import { applyOrderEvent } from "./order-events.ts";
import { lockRollupsShared } from "./rollup-store.ts";
import { type RollupDelta, SALE_EVENT_TYPES } from "./sale-effects.ts";

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
  let deltas: RollupDelta[] = [];
  const outcome = await consumeOnce(coreDedupeStore(), consumer, message, async (tx) => {
    await lockRollupsShared(tx);
    deltas = await applyOrderEvent(tx, orderId, version);
  });
  // After the commit: open dashboards re-read what is now in the rollups (live sales).
  if (outcome === "applied" && deltas.length > 0) await announceSales(deltas);
  return outcome;
}

let pulses: Redis | undefined;

/** Closes the connection the pulses go out on (pool shutdown, tests). */
export function closeSalesPulses(): void {
  pulses?.disconnect();
  pulses = undefined;
}

/** Best effort: a dashboard that misses a pulse catches up at its next one or on reconnect. */
async function announceSales(deltas: readonly RollupDelta[]): Promise<void> {
  pulses ??= createRedis({ connectionName: "analytics:sales-pulse" });
  await publishSalesPulses(pulses, deltas).catch((err: unknown) =>
    process.emitWarning(`sales pulse not published: ${String(err)}`),
  );
}

/** BullMQ processor of `outbox-order.analytics`. */
export const orderMessageProcessor = (job: Job<OutboxMessage>) => consumeOrderMessage(job.data);
