/**
 * Idempotent consumption: the dedupe row (`processed_messages`) and the consumer's effect commit in
 * ONE transaction, so a message delivered twice (relay re-publish, BullMQ retry after a stall)
 * changes nothing the second time, and a crash mid-effect leaves neither.
 */
import type { Job } from "bullmq";
import { core, setTenant, shard } from "@agora/db";
import { inSpan, SpanKind, traceFromHeaders } from "@agora/telemetry";
import type { RawTx } from "./fencing.ts";
import type { OutboxMessage } from "./outbox-message.ts";

/** Where the consumer's effect lives: its dedupe table must be in the same database. */
export interface DedupeStore {
  /** Runs `fn` in one transaction on the primary. */
  transaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T>;
  /** Shard `processed_messages` rows carry the tenant, so shard stores need the message's vendor. */
  kind: "core" | "shard";
}

const TX_OPTIONS = { maxWait: 3000, timeout: 10_000 };

/** Dedupe in core (effects on core tables). */
export function coreDedupeStore(): DedupeStore {
  return {
    kind: "core",
    transaction: (fn) => core().primary.$transaction((tx) => fn(tx), TX_OPTIONS),
  };
}

/** Dedupe on one shard (effects on that shard's tables). */
export function shardDedupeStore(name: string): DedupeStore {
  return {
    kind: "shard",
    transaction: (fn) => shard(name).primary.$transaction((tx) => fn(tx), TX_OPTIONS),
  };
}

export type ConsumeOutcome = "applied" | "duplicate";

export class MissingVendorError extends Error {
  readonly code = "MISSING_VENDOR";
  constructor(messageId: string) {
    super(`message ${messageId} has no vendorId, but a shard dedupe row needs one`);
    this.name = "MissingVendorError";
  }
}

/**
 * Applies `effect` at most once per (consumer, messageId). Returns "duplicate" without running
 * it if the message was already processed by this consumer.
 */
export async function consumeOnce(
  store: DedupeStore,
  consumer: string,
  message: Pick<OutboxMessage, "messageId" | "vendorId"> &
    Partial<Pick<OutboxMessage, "headers" | "aggregateType" | "eventType">>,
  effect: (tx: RawTx) => Promise<void>,
): Promise<ConsumeOutcome> {
  return inConsumerSpan(consumer, message, () =>
    consumeInTransaction(store, consumer, message, effect),
  );
}

/** The consumer span of one message: continues the trace of the write that inserted its row. */
export function inConsumerSpan<R>(
  consumer: string,
  message: Pick<OutboxMessage, "messageId"> &
    Partial<Pick<OutboxMessage, "headers" | "aggregateType" | "eventType">>,
  fn: () => Promise<R>,
): Promise<R> {
  const attributes = {
    "messaging.system": "agora-outbox",
    "messaging.message.id": message.messageId,
    "agora.consumer": consumer,
    ...(message.eventType ? { "agora.event_type": message.eventType } : {}),
  };
  return inSpan(
    `outbox consume ${message.aggregateType ?? "message"} ${consumer}`,
    { kind: SpanKind.CONSUMER, parent: traceFromHeaders(message.headers), attributes },
    fn,
  );
}

/**
 * `consumeOnce` for several messages in ONE core transaction (a consumer that batches its writes;
 * shard dedupe rows would need each message's tenant). `effect` gets the messages not processed
 * before; a message twice in the batch counts once. Outcomes in the order of `messages`.
 */
export async function consumeBatchOnce<M extends Pick<OutboxMessage, "messageId">>(
  consumer: string,
  messages: readonly M[],
  effect: (tx: RawTx, fresh: M[]) => Promise<void>,
): Promise<ConsumeOutcome[]> {
  return coreDedupeStore().transaction(async (tx) => {
    // In one order for every batch, so two batches with a message in common cannot deadlock.
    const ids = [...new Set(messages.map((m) => m.messageId))].sort();
    const inserted = await tx.$queryRawUnsafe<{ message_id: string }[]>(
      `INSERT INTO processed_messages (consumer, message_id)
       SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING message_id`,
      consumer,
      ids,
    );
    const unclaimed = new Set(inserted.map((r) => r.message_id));
    const outcomes = messages.map(
      (m): ConsumeOutcome => (unclaimed.delete(m.messageId) ? "applied" : "duplicate"),
    );
    await effect(tx, messages.filter((_, i) => outcomes[i] === "applied"));
    return outcomes;
  });
}

async function consumeInTransaction(
  store: DedupeStore,
  consumer: string,
  message: Pick<OutboxMessage, "messageId" | "vendorId">,
  effect: (tx: RawTx) => Promise<void>,
): Promise<ConsumeOutcome> {
  return store.transaction(async (tx) => {
    let inserted: number;
    if (store.kind === "shard") {
      if (!message.vendorId) throw new MissingVendorError(message.messageId);
      // Row-level security: the dedupe row and the effect belong to the message's tenant.
      await setTenant(tx, message.vendorId);
      inserted = await tx.$executeRawUnsafe(
        `INSERT INTO processed_messages (consumer, message_id, vendor_id) VALUES ($1, $2, $3::uuid)
         ON CONFLICT DO NOTHING`,
        consumer,
        message.messageId,
        message.vendorId,
      );
    } else {
      inserted = await tx.$executeRawUnsafe(
        `INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        consumer,
        message.messageId,
      );
    }
    // A concurrent duplicate blocks on the primary key until we commit, then sees the row.
    if (inserted === 0) return "duplicate";
    await effect(tx);
    return "applied";
  });
}

/** A BullMQ processor for an outbox queue that runs `effect` once per message. */
export function outboxProcessor(
  store: DedupeStore,
  consumer: string,
  effect: (tx: RawTx, message: OutboxMessage) => Promise<void>,
): (job: Job<OutboxMessage>) => Promise<ConsumeOutcome> {
  return (job) => consumeOnce(store, consumer, job.data, (tx) => effect(tx, job.data));
}
