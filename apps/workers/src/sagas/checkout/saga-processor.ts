/** The BullMQ processor of the `sagas` queue: step jobs and the periodic recovery sweep. */
import type { Processor } from "bullmq";
import { counter, createLogger } from "@agora/telemetry";
import { inJobSpan } from "../../pools/job-span.ts";
import { CHAINED_IN_PAYMENTS_POOL, runSagaStep, type SagaDeps } from "./checkout-saga.ts";
import { recoverStalledSagas, type RecoveryOptions } from "./recovery.ts";
import { PAYMENT_STEPS, RECOVER_JOB, sagaJobSchema } from "@agora/orders";

const log = createLogger({ service: "workers-sagas" });
const stepOutcomes = counter({
  name: "saga_steps_total",
  help: "Checkout saga steps run by this process, by step and outcome",
  labelNames: ["step", "outcome"] as const,
});

export function createSagaProcessor(
  deps: SagaDeps & { stalledAfterMs: number; stillQueued?: RecoveryOptions["stillQueued"] },
): Processor {
  return async (job) => {
    if (job.name === RECOVER_JOB) {
      const requeued = await recoverStalledSagas({
        olderThanMs: deps.stalledAfterMs,
        enqueue: deps.enqueue,
        ...(deps.stillQueued ? { stillQueued: deps.stillQueued } : {}),
      });
      return { requeued: requeued.length };
    }
    const { orderId, step } = sagaJobSchema.parse(job.data);
    if (!deps.payments && PAYMENT_STEPS.includes(step)) {
      // A provider step on the stock queue (queued by a producer that does not route): hand it to
      // the payments pool, the only one that calls the provider, instead of calling it here.
      await deps.enqueue(orderId, step);
      log.info({ orderId, step }, "payment step forwarded to the payments queue");
      return { orderId, step, outcome: "forwarded" };
    }
    // Continues the trace of whoever enqueued the step (checkout.place, or the previous step).
    return inJobSpan(job, { "agora.order_id": orderId, "agora.saga_step": step }, async () => {
      try {
        const result = await runSagaStep(orderId, step, deps, {
          // The payments pool goes on from an authorization to the capture (and from a refusal to
          // the compensation) in the same job; the stock pool queues every step that follows its own.
          chain: deps.payments ? CHAINED_IN_PAYMENTS_POOL : [],
          onStep: (r) => {
            stepOutcomes.inc({ step: r.step, outcome: "ok" });
            log.info(
              {
                orderId,
                step: r.step,
                outcome: r.outcome,
                attempt: r.step === step ? job.attemptsMade + 1 : 1,
              },
              "saga step done",
            );
          },
          // The chained step is queued as its own job (with its retries); the job's own step stands.
          onChainedError: (chained, err) => {
            stepOutcomes.inc({ step: chained, outcome: "error" });
            log.warn(
              { orderId, step: chained, err: err instanceof Error ? err.message : String(err) },
              "chained saga step failed; queued as its own job",
            );
          },
        });
        return result;
      } catch (err) {
        stepOutcomes.inc({ step, outcome: "error" });
        log.warn(
          { orderId, step, err: err instanceof Error ? err.message : String(err) },
          "saga step failed",
        );
        throw err;
      }
    });
  };
}
