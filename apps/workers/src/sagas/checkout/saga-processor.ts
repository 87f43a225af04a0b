/** The BullMQ processor of the `sagas` queue: step jobs and the periodic recovery sweep. */
import type { Processor } from "bullmq";
import { runSagaStep, type SagaDeps } from "./checkout-saga.ts";
import { recoverStalledSagas } from "./recovery.ts";
import { RECOVER_JOB, sagaJobSchema } from "./saga-queue.ts";

export function createSagaProcessor(deps: SagaDeps & { stalledAfterMs: number }): Processor {
  return async (job) => {
    if (job.name === RECOVER_JOB) {
      const requeued = await recoverStalledSagas({
        olderThanMs: deps.stalledAfterMs,
        enqueue: deps.enqueue,
      });
      return { requeued: requeued.length };
    }
    const { orderId, step } = sagaJobSchema.parse(job.data);
    return runSagaStep(orderId, step, deps);
  };
}
