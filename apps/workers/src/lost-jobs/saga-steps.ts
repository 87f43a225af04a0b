/**
 * Checkout sagas whose next step has no job: the order row (core, durable) says what comes next;
 * if neither queue holds that step's job (`<orderId>.<step>`) once the order has been still for
 * the grace period, the job was lost (with a Redis primary whose writes the replica never got, or
 * dropped after its retries) and is enqueued again under the same id. Steps are idempotent.
 */
import type { Queue } from "bullmq";
import { core } from "@agora/db";
import { nextStep, type OrderStatus, PAYMENT_STEPS, type SagaEnqueue, type SagaStep, TERMINAL_STATUSES } from "@agora/orders";
import { missingJobIds } from "./live-jobs.ts";

export interface SagaSweepDeps {
  sagas: Queue;
  payments: Queue;
  enqueue: SagaEnqueue;
}

export async function requeueLostSagaSteps(
  deps: SagaSweepDeps,
  opts: { graceMs: number; limit: number },
): Promise<{ orderId: string; step: SagaStep }[]> {
  const rows = await core().primary.$queryRaw<{ id: string; status: OrderStatus }[]>`
    SELECT id::text, status FROM orders
     WHERE status <> ALL(${[...TERMINAL_STATUSES]}::text[])
       AND updated_at < now() - make_interval(secs => ${opts.graceMs / 1000})
     ORDER BY updated_at
     LIMIT ${opts.limit}`;
  const due = rows.flatMap((r) => {
    const step = nextStep(r.status);
    return step ? [{ orderId: r.id, step, jobId: `${r.id}.${step}` }] : [];
  });
  const onPayments = due.filter((d) => PAYMENT_STEPS.includes(d.step));
  const onSagas = due.filter((d) => !PAYMENT_STEPS.includes(d.step));
  const [missingPayments, missingSagas] = await Promise.all([
    missingJobIds(deps.payments, onPayments.map((d) => d.jobId)),
    missingJobIds(deps.sagas, onSagas.map((d) => d.jobId)),
  ]);
  const lost = [
    ...onPayments.filter((d) => missingPayments.has(d.jobId)),
    ...onSagas.filter((d) => missingSagas.has(d.jobId)),
  ];
  // The same id as the lost job: a job added meanwhile by the saga itself absorbs this one.
  for (const d of lost) await deps.enqueue(d.orderId, d.step);
  return lost.map(({ orderId, step }) => ({ orderId, step }));
}
