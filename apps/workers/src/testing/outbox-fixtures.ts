/**
 * Test support for the workers' integration tests: polling for an effect, and core outbox rows
 * turned into the messages the relay would publish (so a consumer can be driven directly).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { core } from "@agora/db";
import { type OutboxMessage, outboxMessageId } from "../outbox/outbox-message.ts";

/** Polls `probe` until it gives a value (not undefined/false), or fails naming `what`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The core outbox rows of these aggregates, oldest first, as relay messages. */
export async function coreOutboxMessages(aggregateIds: string[]): Promise<OutboxMessage[]> {
  const rows = await core().primary.outbox.findMany({
    where: { aggregateId: { in: aggregateIds } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({
    messageId: outboxMessageId("core", r.id),
    cluster: "core",
    outboxId: String(r.id),
    aggregateType: r.aggregateType,
    aggregateId: r.aggregateId,
    eventType: r.eventType,
    vendorId: null,
    payload: r.payload,
    headers: r.headers,
    createdAt: r.createdAt.toISOString(),
    fenceToken: "1",
  }));
}
