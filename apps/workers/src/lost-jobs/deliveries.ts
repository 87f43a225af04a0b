/**
 * Notification deliveries whose job will not run: a `notification_deliveries` row still `pending`
 * or `retrying` after the grace period with no job of that id (the delivery id) in its channel's
 * queue is enqueued again; one whose job failed for good is retried with fresh attempts. The
 * delivery worker records every failure of its own on the row (`retrying`, `dead` on the last
 * attempt), so a failed job under an unfinished row failed where nothing could record it: the
 * row's database or Redis was failing over, or the job stalled past BullMQ's limit. The worker
 * skips a row already `sent` or `dead`.
 *
 * The rows are read in pages of `limit` from a cursor kept between sweeps (oldest first, wrapping
 * round at the end): deliveries legitimately waiting in a backlog longer than one page cannot
 * keep the sweep from ever reaching the newer ones behind them.
 */
import type { Job, Queue } from "bullmq";
import { core } from "@agora/db";
import { type Channel, type ChannelPolicy, CHANNELS, type DeliveryJob } from "../notifications/channels.ts";
import { deliveryJobOptions } from "../notifications/notification-service.ts";
import { idleJobs } from "./live-jobs.ts";

export interface DeliverySweepDeps {
  queues: Record<Channel, Queue<DeliveryJob>>;
  policy: Record<Channel, ChannelPolicy>;
  /** Where the previous sweep stopped (kept by the caller between sweeps). */
  cursor?: DeliveryCursor;
}

export interface DeliveryCursor {
  after?: { updatedAt: Date; id: string };
}

export interface RequeuedDelivery extends DeliveryJob {
  /** `missing`: enqueued again; `failed`: its failed job retried. */
  reason: "missing" | "failed";
}

export async function requeueLostDeliveries(
  deps: DeliverySweepDeps,
  opts: { graceMs: number; lookbackMs: number; limit: number },
): Promise<RequeuedDelivery[]> {
  const after = deps.cursor?.after;
  const rows = await core().primary.$queryRaw<{ id: string; channel: Channel; updated_at: Date }[]>`
    SELECT id::text, channel, updated_at FROM notification_deliveries
     WHERE status IN ('pending', 'retrying')
       AND updated_at < now() - make_interval(secs => ${opts.graceMs / 1000})
       AND created_at > now() - make_interval(secs => ${opts.lookbackMs / 1000})
       AND (updated_at, id) > (${after?.updatedAt ?? new Date(0)}::timestamptz, ${after?.id ?? "00000000-0000-0000-0000-000000000000"}::uuid)
     ORDER BY updated_at, id
     LIMIT ${opts.limit}`;
  if (deps.cursor) {
    const last = rows.at(-1);
    deps.cursor.after = rows.length < opts.limit || !last ? undefined : { updatedAt: last.updated_at, id: last.id };
  }
  const requeued: RequeuedDelivery[] = [];
  for (const channel of CHANNELS) {
    const ids = rows.filter((r) => r.channel === channel).map((r) => r.id);
    const { missing, failed } = await idleJobs(deps.queues[channel], ids, { failed: true });
    for (const deliveryId of missing) {
      const job: DeliveryJob = { deliveryId, channel };
      await deps.queues[channel].add(channel, job, deliveryJobOptions(deps.policy[channel], deliveryId));
      requeued.push({ ...job, reason: "missing" });
    }
    for (const job of failed as Job<DeliveryJob>[]) {
      // Moved back to waiting under the same id, with the channel's attempts anew.
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      requeued.push({ deliveryId: job.id!, channel, reason: "failed" });
    }
  }
  return requeued;
}
