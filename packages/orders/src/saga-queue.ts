/**
 * The `sagas` BullMQ queue: one job per (order, step). Job data is `{ orderId, step }`; the job
 * id `<orderId>.<step>` collapses duplicates while one is waiting, and every step re-checks the
 * order's events anyway, so a duplicate that slips through is a no-op.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { z } from "zod";
import { currentTraceContext, inSpan, injectIntoJobData, SpanKind } from "@agora/telemetry";
import { SAGA_STEPS, type SagaStep } from "./events.ts";

export const SAGAS_QUEUE = "sagas";
export const RECOVER_JOB = "recover-stalled";
/**
 * Bulkhead: every call to the payment provider (authorize, capture, void in compensate, vendor
 * refunds) runs on this queue in its own `payments` pool, so a slow provider cannot starve the
 * stock steps on `sagas`.
 */
export const PAYMENTS_QUEUE = "payments";
export const PAYMENT_STEPS: readonly SagaStep[] = [
  "authorize-payment",
  "capture-payment",
  "compensate",
];
/** A vendor's refund (or cancellation) request, completed by the payments pool. */
export const VENDOR_REFUND_JOB = "vendor-refund";
export const vendorRefundJobSchema = z.object({
  orderId: z.uuid(),
  vendorId: z.uuid(),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
export type VendorRefundJob = z.infer<typeof vendorRefundJobSchema>;

export const sagaJobSchema = z.object({ orderId: z.uuid(), step: z.enum(SAGA_STEPS) });
export type SagaJob = z.infer<typeof sagaJobSchema>;

/**
 * `recovery: true` gives the job a fresh id: a job of a killed worker keeps its id (and blocks a
 * same-id add) until BullMQ's stall check frees it; steps are idempotent, so a duplicate is safe.
 */
export type SagaEnqueue = (
  orderId: string,
  step: SagaStep,
  opts?: { recovery?: boolean },
) => Promise<void>;

/** Bounded retries with jittered exponential backoff; after that the recovery sweep takes over. */
export const STEP_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: "exponential", delay: 250, jitter: 0.5 },
  removeOnComplete: true,
  removeOnFail: true,
};

export function createSagaQueue(connection: ConnectionOptions, name = SAGAS_QUEUE): Queue {
  return new Queue(name, { connection });
}

/**
 * Enqueues saga steps on `queue`; with `payments`, the provider-calling steps go there instead
 * (the pools' routing). Without it every step shares one queue (tests, the API's producer).
 */
export function queueEnqueuer(sagas: Queue, payments?: Queue): SagaEnqueue {
  return async (orderId, step, opts) => {
    const queue = payments && PAYMENT_STEPS.includes(step) ? payments : sagas;
    const jobId = opts?.recovery ? `${orderId}.${step}.r${Date.now()}` : `${orderId}.${step}`;
    const attributes = { "messaging.system": "bullmq", "messaging.destination.name": queue.name, "agora.saga_step": step };
    // A producer span, and its context in the job data: the worker's span continues this trace.
    await inSpan(`${queue.name} enqueue ${step}`, { kind: SpanKind.PRODUCER, attributes }, async () => {
      const trace = currentTraceContext();
      const data = { orderId, step } satisfies SagaJob;
      await queue.add(step, trace ? injectIntoJobData(data, trace) : data, { ...STEP_JOB_OPTIONS, jobId });
    });
  };
}

/** Enqueues a vendor refund job (traced like the saga steps); duplicates per request collapse. */
export function vendorRefundEnqueuer(queue: Queue): (job: VendorRefundJob) => Promise<void> {
  return async (job) => {
    const data = vendorRefundJobSchema.parse(job);
    const attributes = { "messaging.system": "bullmq", "messaging.destination.name": queue.name };
    await inSpan(`${queue.name} enqueue ${VENDOR_REFUND_JOB}`, { kind: SpanKind.PRODUCER, attributes }, async () => {
      const trace = currentTraceContext();
      const jobId = `${data.orderId}.${data.vendorId}.${data.requestId}`;
      await queue.add(VENDOR_REFUND_JOB, trace ? injectIntoJobData(data, trace) : data, { ...STEP_JOB_OPTIONS, jobId });
    });
  };
}
