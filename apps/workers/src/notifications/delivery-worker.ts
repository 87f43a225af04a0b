/**
 * One channel's worker: sends the delivery its job points to, records the outcome on the
 * `notification_deliveries` row, and on the last failed attempt moves the job to the channel's
 * dead-letter queue. Idempotent: a row already `sent` (or `dead`) is never sent again, and the
 * simulated provider overwrites its one file per delivery.
 */
import { openDeliveryField } from "@agora/secrets";
import type { Job, Processor, Queue } from "bullmq";
import { core } from "@agora/db";
import type { RawTx } from "../outbox/fencing.ts";
import type { Channel, DeadLetterJob, DeliveryJob } from "./channels.ts";
import type { ChannelSender } from "./channel-sender.ts";

interface DeliveryRow {
  id: string;
  channel: Channel;
  recipient: string;
  subject: string;
  body: string;
  status: "pending" | "retrying" | "sent" | "dead";
}

export type DeliveryOutcome =
  { sent: true; attempt: number } | { skipped: "missing" | "sent" | "dead" };

export function deliveryProcessor(deps: {
  channel: Channel;
  sender: ChannelSender;
  deadLetters: Queue<DeadLetterJob>;
  /** The database the delivery rows live in (core primary by default). */
  db?: () => RawTx;
}): Processor<DeliveryJob, DeliveryOutcome> {
  const db = deps.db ?? (() => core().primary);
  return async (job: Job<DeliveryJob>) => {
    // BullMQ counts failed attempts in attemptsMade, so this run is attempt attemptsMade + 1.
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const rows = await db().$queryRawUnsafe<DeliveryRow[]>(
      `SELECT id::text, channel, recipient, subject, body, status
       FROM notification_deliveries WHERE id = $1::uuid`,
      job.data.deliveryId,
    );
    const row = rows[0];
    // The user (and with it the row) was erased, or an earlier run already finished it.
    if (!row) return { skipped: "missing" };
    if (row.status === "sent" || row.status === "dead") return { skipped: row.status };
    try {
      await deps.sender.send(
        {
          deliveryId: row.id,
          channel: deps.channel,
          recipient: await openDeliveryField(row.id, "recipient", row.recipient),
          subject: row.subject,
          body: await openDeliveryField(row.id, "body", row.body),
        },
        attempt,
      );
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const final = attempt >= maxAttempts;
      if (final) {
        // Dead letter first (its job id is the delivery id, so a repeat is a no-op), then the
        // row: a crash in between re-runs this attempt instead of losing the dead letter.
        await deps.deadLetters.add(
          "dead-letter",
          { ...job.data, attempts: attempt, error, failedAt: new Date().toISOString() },
          { jobId: row.id, removeOnComplete: false, removeOnFail: false },
        );
      }
      await db().$executeRawUnsafe(
        `UPDATE notification_deliveries
         SET status = $2, attempts = $3, last_error = $4, updated_at = now()
         WHERE id = $1::uuid AND status <> 'sent'`,
        row.id,
        final ? "dead" : "retrying",
        attempt,
        error,
      );
      throw err;
    }
    await db().$executeRawUnsafe(
      `UPDATE notification_deliveries
       SET status = 'sent', attempts = $2, last_error = NULL, sent_at = now(), updated_at = now()
       WHERE id = $1::uuid`,
      row.id,
      attempt,
    );
    return { sent: true, attempt };
  };
}
