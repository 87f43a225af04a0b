/**
 * The stream side for sales: consumes the core outbox topic `order` as subscriber `analytics`.
 * Each money event is counted once: the message's dedupe row (`consumeBatchOnce`) and the
 * applied-event marker (shared with the batch) commit with the rollup increments. The pool counts
 * the events of a short window together (rollup-batcher.ts): one transaction and one upsert per
 * rollup row for the batch, where every event used to increment the same busy (vendor, hour) row
 * in a transaction of its own; a job is acknowledged only after its batch committed.
 */
import { publishSalesPulses } from "@agora/api/sales-pulse";
import { createRedis } from "@agora/redis";
import { UnrecoverableError, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { type ConsumeOutcome, consumeBatchOnce, inConsumerSpan } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { subscriberQueueName } from "../outbox/subscriptions.ts";
import { applyOrderEvents } from "./order-events.ts";
import { RollupBatcher } from "./rollup-batcher.ts";
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

/** One money event of an order, as its outbox message announced it. */
interface SaleMessage {
  messageId: string;
  orderId: string;
  version: number;
}

/** The sale event of a message; null for an order event that moves no money. */
function saleMessage(message: OutboxMessage): SaleMessage | null {
  if (!isSaleEvent(message.eventType)) return null;
  const parsed = orderMessageSchema.safeParse(message.payload);
  // A malformed message stays malformed: retrying it would only repeat the failure.
  if (!parsed.success)
    throw new UnrecoverableError(`message ${message.messageId}: ${parsed.error.message}`);
  return { messageId: message.messageId, ...parsed.data };
}

/** Counts the sale events in one core transaction; outcomes in their order. */
async function countSales(
  sales: readonly SaleMessage[],
  consumer: string,
): Promise<ConsumeOutcome[]> {
  let deltas: RollupDelta[] = [];
  const outcomes = await consumeBatchOnce(consumer, sales, async (tx, fresh) => {
    if (fresh.length === 0) return;
    await lockRollupsShared(tx);
    deltas = await applyOrderEvents(tx, fresh);
  });
  // After the commit: open dashboards re-read what is now in the rollups (live sales).
  if (deltas.length > 0) await announceSales(deltas);
  return outcomes;
}

/** One message on its own, in a transaction of its own. */
export async function consumeOrderMessage(
  message: OutboxMessage,
  consumer = ANALYTICS_CONSUMER,
): Promise<ConsumeOutcome | "ignored"> {
  const sale = saleMessage(message);
  if (!sale) return "ignored";
  return inConsumerSpan(consumer, message, async () => (await countSales([sale], consumer))[0]!);
}

export interface OrderBatching {
  /** How long a sale event waits for others to be counted with. */
  windowMs: number;
  /** At most this many events per transaction (no more than the worker runs at once can wait). */
  maxEvents: number;
  consumer?: string;
  onBatchError?: (err: unknown, size: number) => void;
}

/**
 * The BullMQ processor of `outbox-order.analytics`, counting the sale events of a window together;
 * each job settles once its event is committed. `close` writes what is still waiting.
 */
export function batchedOrderProcessor(opts: OrderBatching): {
  processor: (job: Job<OutboxMessage>) => Promise<ConsumeOutcome | "ignored">;
  close: () => Promise<void>;
} {
  const consumer = opts.consumer ?? ANALYTICS_CONSUMER;
  const batcher = new RollupBatcher<SaleMessage, ConsumeOutcome>({
    write: (sales) => countSales(sales, consumer),
    writeOne: async (sale) => (await countSales([sale], consumer))[0]!,
    windowMs: opts.windowMs,
    maxItems: opts.maxEvents,
    onBatchError: opts.onBatchError,
  });
  return {
    processor: async (job) => {
      const sale = saleMessage(job.data);
      if (!sale) return "ignored";
      return inConsumerSpan(consumer, job.data, () => batcher.submit(sale));
    },
    close: () => batcher.close(),
  };
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

