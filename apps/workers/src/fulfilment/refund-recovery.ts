/**
 * The recovery sweep of vendor refunds: a request whose job was lost (worker killed, Redis
 * failover) is still open on the order — a VendorRefundRequested with no later result for that
 * vendor — and is enqueued again. The steps are idempotent, so a merely slow request is harmless.
 */
import { core } from "@agora/db";
import type { VendorRefundJob } from "@agora/orders";

export async function recoverOpenVendorRefunds(opts: {
  olderThanMs: number;
  enqueue: (job: VendorRefundJob) => Promise<void>;
  limit?: number;
}): Promise<VendorRefundJob[]> {
  // Closing events: a failure or a cancellation always; a refund only when it was not a cancel.
  const rows = await core().primary.$queryRaw<VendorRefundJob[]>`
    SELECT e.order_id::text AS "orderId", e.payload->>'vendorId' AS "vendorId",
           e.payload->>'requestId' AS "requestId"
    FROM order_events e
    WHERE e.type = 'VendorRefundRequested'
      AND e.created_at < now() - make_interval(secs => ${opts.olderThanMs / 1000})
      AND NOT EXISTS (
        SELECT 1 FROM order_events c
        WHERE c.order_id = e.order_id AND c.version > e.version
          AND c.payload->>'vendorId' = e.payload->>'vendorId'
          AND (c.type IN ('VendorRefundFailed', 'VendorOrderCancelled')
               OR (c.type = 'VendorRefunded' AND NOT (e.payload->>'cancel')::boolean)))
    ORDER BY e.created_at
    LIMIT ${opts.limit ?? 200}`;
  for (const r of rows) await opts.enqueue(r);
  return rows;
}
