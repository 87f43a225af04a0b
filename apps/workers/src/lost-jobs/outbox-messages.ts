/**
 * Outbox messages a subscriber never received: the relay marked the row published once Redis
 * acknowledged the jobs, but a Redis primary that died before its replica copied them takes them
 * along. Completed outbox jobs are kept a day (OUTBOX_JOB_OPTIONS), so a message published after
 * the grace period and within the look-back whose job is missing from a subscriber's queue was
 * lost; it is added to that queue again under its message id. Consumers dedupe on the message id.
 *
 * Only the newest `scanRows` rows of each outbox are looked at: the sweep stays one bounded index
 * scan however long the outbox grows, and what a failover loses is the last seconds of traffic.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type OutboxMessage, type OutboxRow, outboxRowMessage } from "../outbox/outbox-message.ts";
import { OUTBOX_JOB_OPTIONS } from "../outbox/publisher.ts";
import type { OutboxSource } from "../outbox/relay.ts";
import { queuesFor } from "../outbox/subscriptions.ts";
import { missingJobIds } from "./live-jobs.ts";

export interface OutboxSweepOptions {
  graceMs: number;
  lookbackMs: number;
  scanRows: number;
}

/** Keeps one Queue per subscriber queue name for the sweeper's lifetime. */
export function subscriberQueues(
  connection: Redis,
  onError: (err: Error, queue: string) => void,
): { get(name: string): Queue; close(): Promise<void> } {
  const queues = new Map<string, Queue>();
  return {
    get(name) {
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection });
        q.on("error", (err) => onError(err, name));
        queues.set(name, q);
      }
      return q;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export async function requeueLostOutboxMessages(
  sources: OutboxSource[],
  queues: { get(name: string): Queue },
  opts: OutboxSweepOptions,
): Promise<{ messageId: string; queue: string }[]> {
  const lost: { messageId: string; queue: string }[] = [];
  for (const source of sources) {
    const rows = await source.transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL statement_timeout = '10s'");
      // Every tenant's rows (the shards' row-level security hides them otherwise); no-op on core.
      await tx.$executeRawUnsafe("SET LOCAL agora.scope = 'platform'");
      return tx.$queryRawUnsafe<OutboxRow[]>(
        `SELECT o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.headers,
                o.created_at, to_jsonb(o) ->> 'vendor_id' AS vendor_id
           FROM (SELECT * FROM outbox ORDER BY id DESC LIMIT $1) o
          WHERE o.published_at < now() - make_interval(secs => $2)
            AND o.published_at > now() - make_interval(secs => $3)`,
        opts.scanRows,
        opts.graceMs / 1000,
        opts.lookbackMs / 1000,
      );
    });
    // Not a relay term as the fence token: consumers need none, and logs show who re-sent it.
    const messages = rows.map((r) => outboxRowMessage(source.cluster, r, "lost-job-sweep"));
    const byQueue = new Map<string, OutboxMessage[]>();
    for (const m of messages)
      for (const q of queuesFor(m.aggregateType, m.eventType, m.payload))
        byQueue.set(q, [...(byQueue.get(q) ?? []), m]);
    for (const [name, ms] of byQueue) {
      const queue = queues.get(name);
      const missing = await missingJobIds(
        queue,
        ms.map((m) => m.messageId),
      );
      const resend = ms.filter((m) => missing.has(m.messageId));
      if (resend.length === 0) continue;
      await queue.addBulk(
        resend.map((m) => ({
          name: m.eventType,
          data: m,
          opts: { ...OUTBOX_JOB_OPTIONS, jobId: m.messageId },
        })),
      );
      for (const m of resend) lost.push({ messageId: m.messageId, queue: name });
    }
  }
  return lost;
}
