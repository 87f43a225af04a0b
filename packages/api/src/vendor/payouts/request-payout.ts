/**
 * "Pay me now": queues a settlement of the owner's shop on the maintenance pool. Settlement itself
 * is idempotent per period (one payout per vendor, currency and period), and the queue keeps at
 * most one waiting request per shop, so pressing the button twice pays once.
 */
import { createRedis } from "@agora/redis";
import { Queue } from "bullmq";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import { PAYOUTS_QUEUE, SETTLE_VENDOR_JOB, type SettleVendorJob } from "./payout-contract.ts";

let queue: Queue<SettleVendorJob> | undefined;
function payoutsQueue(): Queue<SettleVendorJob> {
  queue ??= new Queue<SettleVendorJob>(PAYOUTS_QUEUE, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: "api:payouts:producer" }),
  });
  return queue;
}

export async function requestPayout(actor: AuditActor): Promise<{ queued: boolean }> {
  const job = await payoutsQueue().add(
    SETTLE_VENDOR_JOB,
    { vendorId: actor.vendorId },
    {
      deduplication: { id: `payout-request:${actor.vendorId}` },
      attempts: 3,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: 100,
      removeOnFail: 100,
    },
  );
  await recordAudit(actor, {
    action: "payout.request",
    targetType: "vendor",
    targetId: actor.vendorId,
    details: { jobId: job.id ?? null },
  });
  return { queued: true };
}
