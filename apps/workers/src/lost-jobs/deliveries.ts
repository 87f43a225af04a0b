/**
 * Notification deliveries whose job is gone: a `notification_deliveries` row still `pending` or
 * `retrying` after the grace period, with no job of that id (the delivery id) in its channel's
 * queue, is enqueued again. The delivery worker skips a row already `sent` or `dead`.
 */
import type { Queue } from "bullmq";
import { core } from "@agora/db";
import { type Channel, type ChannelPolicy, CHANNELS, type DeliveryJob } from "../notifications/channels.ts";
import { deliveryJobOptions } from "../notifications/notification-service.ts";
import { missingJobIds } from "./live-jobs.ts";

export interface DeliverySweepDeps {
  queues: Record<Channel, Queue<DeliveryJob>>;
  policy: Record<Channel, ChannelPolicy>;
}

export async function requeueLostDeliveries(
  deps: DeliverySweepDeps,
  opts: { graceMs: number; lookbackMs: number; limit: number },
): Promise<DeliveryJob[]> {
  const rows = await core().primary.$queryRaw<{ id: string; channel: Channel }[]>`
    SELECT id::text, channel FROM notification_deliveries
     WHERE status IN ('pending', 'retrying')
       AND updated_at < now() - make_interval(secs => ${opts.graceMs / 1000})
       AND created_at > now() - make_interval(secs => ${opts.lookbackMs / 1000})
     ORDER BY updated_at
     LIMIT ${opts.limit}`;
  const lost: DeliveryJob[] = [];
  for (const channel of CHANNELS) {
    const ids = rows.filter((r) => r.channel === channel).map((r) => r.id);
    const missing = await missingJobIds(deps.queues[channel], ids);
    for (const deliveryId of missing) {
      const job: DeliveryJob = { deliveryId, channel };
      await deps.queues[channel].add(channel, job, deliveryJobOptions(deps.policy[channel], deliveryId));
      lost.push(job);
    }
  }
  return lost;
}
