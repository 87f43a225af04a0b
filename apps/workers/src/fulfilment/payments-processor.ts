/**
 * The processor of the `payments` queue: the checkout saga's provider steps (authorize, capture,
 * compensate), vendor refunds, and the periodic sweep of open vendor refunds.
 */
import type { Processor } from "bullmq";
import { counter, createLogger } from "@agora/telemetry";
import { VENDOR_REFUND_JOB, vendorRefundJobSchema, type VendorRefundJob } from "@agora/orders";
import { inJobSpan } from "../pools/job-span.ts";
import {
  createSagaProcessor,
  type PaymentGateway,
  type SagaDeps,
} from "../sagas/checkout/index.ts";
import {
  RECONCILE_PAYMENTS_JOB,
  type ReconciliationReport,
} from "../payments/reconciliation/reconcile-payments.ts";
import { recoverOpenVendorRefunds } from "./refund-recovery.ts";
import { runVendorRefund } from "./vendor-refund.ts";

export const RECOVER_REFUNDS_JOB = "recover-vendor-refunds";

const log = createLogger({ service: "workers-payments" });
const refundOutcomes = counter({
  name: "vendor_refunds_total",
  help: "Vendor refund and cancellation jobs run by this process, by outcome",
  labelNames: ["outcome"] as const,
});

export function createPaymentsProcessor(
  deps: SagaDeps & {
    payments: PaymentGateway;
    stalledAfterMs: number;
    enqueueRefund: (job: VendorRefundJob) => Promise<void>;
    /** The capture reconciliation with every provider (`payments/reconciliation`). */
    reconcile?: () => Promise<ReconciliationReport>;
  },
): Processor {
  const sagaSteps = createSagaProcessor(deps);
  return async (job, token) => {
    if (job.name === RECONCILE_PAYMENTS_JOB && deps.reconcile) {
      const report = await deps.reconcile();
      if (report.differences.length > 0)
        log.warn({ differences: report.differences }, "payment reconciliation found differences");
      return report;
    }
    if (job.name === RECOVER_REFUNDS_JOB) {
      const requeued = await recoverOpenVendorRefunds({
        olderThanMs: deps.stalledAfterMs,
        enqueue: deps.enqueueRefund,
      });
      return { requeued: requeued.length };
    }
    if (job.name !== VENDOR_REFUND_JOB) return sagaSteps(job, token);
    const { orderId, vendorId, requestId } = vendorRefundJobSchema.parse(job.data);
    return inJobSpan(job, { "agora.order_id": orderId, "agora.vendor_id": vendorId }, async () => {
      try {
        const result = await runVendorRefund(orderId, vendorId, deps);
        refundOutcomes.inc({ outcome: result.outcome });
        log.info({ orderId, vendorId, requestId, outcome: result.outcome }, "vendor refund done");
        return result;
      } catch (err) {
        refundOutcomes.inc({ outcome: "error" });
        log.warn(
          { orderId, vendorId, err: err instanceof Error ? err.message : String(err) },
          "vendor refund failed",
        );
        throw err;
      }
    });
  };
}
