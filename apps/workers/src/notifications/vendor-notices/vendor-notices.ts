/**
 * The `vendor-notices` consumer: tells vendor users about new orders (topic `order`,
 * OrderConfirmed), low stock (topic `stock`, a StockChanged that crosses below the threshold) and
 * payouts (topic `payout`, PayoutCompleted), by each user's per-channel settings; and hands staff
 * invitation e-mails (topic `staff`, StaffInvited) to the e-mail channel. A product's stock events
 * are recorded one at a time per consumer (StockCoalescer), older ones skipped. Idempotent: effects
 * commit with the dedupe row (`consumeOnce`), and deliveries are enqueued after commit under
 * their own ids, so a redelivered message re-enqueues only what is unfinished.
 */
import type { Job } from "bullmq";
import { STAFF_INVITED, STAFF_TOPIC, staffInvitedSchema } from "@agora/api/vendor-notices";
import {
  core,
  PAYOUT_COMPLETED,
  PAYOUT_TOPIC,
  payoutCompletedSchema,
  STOCK_TOPIC,
  stockChangedSchema,
} from "@agora/db";
import type { z } from "zod";
import { consumeOnce, coreDedupeStore, type ConsumeOutcome } from "../../outbox/consume.ts";
import type { RawTx } from "../../outbox/fencing.ts";
import type { OutboxMessage } from "../../outbox/outbox-message.ts";
import { subscriberQueueName } from "../../outbox/subscriptions.ts";
import { StockCoalescer } from "../../projections/stock-coalescer.ts";
import type { DeliveryJob } from "../channels.ts";
import { orderEventPayloadSchema, vendorNotice } from "../order-notice.ts";
import { crossedIntoLow, stockSnapshot } from "./low-stock.ts";
import { recordVendorNotice } from "./record-vendor-notice.ts";
import { lowStockNotice, payoutNotice } from "./vendor-notice-text.ts";

export const VENDOR_NOTICES_CONSUMER = "vendor-notices";
export const VENDOR_NOTICE_TOPICS = ["order", STOCK_TOPIC, PAYOUT_TOPIC, STAFF_TOPIC] as const;
export const vendorNoticeQueue = (topic: (typeof VENDOR_NOTICE_TOPICS)[number]) =>
  subscriberQueueName(topic, VENDOR_NOTICES_CONSUMER);

export class InvalidVendorEventError extends Error {
  readonly code = "INVALID_VENDOR_EVENT";
  constructor(message: OutboxMessage, detail: string) {
    super(`outbox message ${message.messageId} (${message.eventType}) is invalid: ${detail}`);
    this.name = "InvalidVendorEventError";
  }
}

function parse<S extends z.ZodType>(schema: S, message: OutboxMessage): z.output<S> {
  const parsed = schema.safeParse(message.payload);
  if (!parsed.success)
    throw new InvalidVendorEventError(message, parsed.error.issues[0]?.message ?? "bad payload");
  return parsed.data;
}

/** "superseded": older than a stock event this process already recorded (nothing to write). */
export type VendorNoticeOutcome = ConsumeOutcome | "ignored" | "superseded";

export interface VendorNoticeConsumerOptions {
  enqueue: (jobs: DeliveryJob[]) => Promise<void>;
  /** Dedupe consumer name (tests use their own). */
  consumer?: string;
}

/** Deliveries of a message that are neither sent nor dead (inbox-attached or standalone). */
async function unfinished(tx: RawTx, messageId: string): Promise<DeliveryJob[]> {
  return tx.$queryRawUnsafe<DeliveryJob[]>(
    `SELECT d.id::text AS "deliveryId", d.channel FROM notification_deliveries d
       LEFT JOIN notifications n ON n.id = d.notification_id
      WHERE (n.source_message_id = $1 OR d.source_key LIKE $2)
        AND d.status IN ('pending', 'retrying')`,
    messageId,
    `${messageId.replace(/[\\%_]/g, "\\$&")}:%`,
  );
}

export function createVendorNoticeConsumer(opts: VendorNoticeConsumerOptions) {
  const consumer = opts.consumer ?? VENDOR_NOTICES_CONSUMER;
  const stock = new StockCoalescer();

  /** Runs `effect` once per message, then enqueues its deliveries (or the unfinished ones). */
  async function once(
    message: OutboxMessage,
    effect: (tx: RawTx) => Promise<DeliveryJob[]>,
  ): Promise<ConsumeOutcome> {
    let jobs: DeliveryJob[] = [];
    const outcome = await consumeOnce(coreDedupeStore(), consumer, message, async (tx) => {
      jobs = await effect(tx);
    });
    if (outcome === "duplicate") jobs = await unfinished(core().primary, message.messageId);
    await opts.enqueue(jobs);
    return outcome;
  }

  async function onOrder(message: OutboxMessage): Promise<VendorNoticeOutcome> {
    if (message.eventType !== "OrderConfirmed") return "ignored";
    const p = parse(orderEventPayloadSchema, message);
    const notice = vendorNotice(message.eventType, p);
    if (!notice || p.vendorIds.length === 0) return "ignored";
    return once(message, async (tx) => {
      const jobs: DeliveryJob[] = [];
      for (const vendorId of p.vendorIds) {
        jobs.push(
          ...(await recordVendorNotice(tx, {
            messageId: message.messageId,
            vendorId,
            kind: "new_order",
            notice,
            orderId: p.orderId,
            roles: ["vendor_owner", "vendor_staff"],
          })),
        );
      }
      return jobs;
    });
  }

  async function onStock(message: OutboxMessage): Promise<VendorNoticeOutcome> {
    if (message.eventType !== "StockChanged") return "ignored";
    const p = parse(stockChangedSchema, message);
    // Read from the shard before the core transaction, so no core locks wait on another cluster.
    const snapshot = await stockSnapshot(p.vendorId, p.productId);
    if (!snapshot) return "ignored";
    const record = () =>
      once(message, async (tx) => {
        const fired = await crossedIntoLow(tx, {
          vendorId: p.vendorId,
          productId: p.productId,
          available: p.available,
          threshold: snapshot.threshold,
          source: message.cluster,
          position: BigInt(message.outboxId),
        });
        if (!fired || snapshot.threshold === null) return [];
        return recordVendorNotice(tx, {
          messageId: message.messageId,
          vendorId: p.vendorId,
          kind: "low_stock",
          notice: lowStockNotice({
            title: snapshot.title,
            available: p.available,
            threshold: snapshot.threshold,
          }),
          roles: ["vendor_owner", "vendor_staff"],
        });
      });
    // One product's events in turn, without a core connection while they wait; one older than an
    // event this process recorded from the same shard would change nothing (low-stock.ts).
    const lane = `${p.vendorId}:${p.productId}`;
    return stock.run<VendorNoticeOutcome>({ ...message, lane }, record, () => "superseded");
  }

  async function onPayout(message: OutboxMessage): Promise<VendorNoticeOutcome> {
    if (message.eventType !== PAYOUT_COMPLETED) return "ignored";
    const p = parse(payoutCompletedSchema, message);
    return once(message, (tx) =>
      recordVendorNotice(tx, {
        messageId: message.messageId,
        vendorId: p.vendorId,
        kind: "payout",
        notice: payoutNotice(p),
        roles: ["vendor_owner"],
      }),
    );
  }

  /** The invitation mail was written with the invitation; this only hands it to the channel. */
  async function onStaff(message: OutboxMessage): Promise<VendorNoticeOutcome> {
    if (message.eventType !== STAFF_INVITED) return "ignored";
    const p = parse(staffInvitedSchema, message);
    const jobs = await core().primary.$queryRawUnsafe<DeliveryJob[]>(
      `SELECT id::text AS "deliveryId", channel FROM notification_deliveries
        WHERE id = $1::uuid AND status IN ('pending', 'retrying')`,
      p.deliveryId,
    );
    await opts.enqueue(jobs);
    return jobs.length > 0 ? "applied" : "duplicate";
  }

  const byTopic: Record<string, (m: OutboxMessage) => Promise<VendorNoticeOutcome>> = {
    order: onOrder,
    [STOCK_TOPIC]: onStock,
    [PAYOUT_TOPIC]: onPayout,
    [STAFF_TOPIC]: onStaff,
  };

  return {
    /** Processor for every `outbox-<topic>.vendor-notices` queue. */
    async handle(job: Job<OutboxMessage>): Promise<VendorNoticeOutcome> {
      const handler = byTopic[job.data.aggregateType];
      return handler ? handler(job.data) : "ignored";
    },
  };
}
