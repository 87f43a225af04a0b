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

export function queueEnqueuer(queue: Queue): SagaEnqueue {
  return async (orderId, step, opts) => {
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
