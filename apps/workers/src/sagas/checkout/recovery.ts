/**
 * The recovery sweep: a saga whose worker died between two steps (after a commit, before the
 * enqueue; or with its job lost with Redis) is found here by its order row and its next step is
 * enqueued again. Steps are idempotent, so re-enqueueing a saga that is merely slow is harmless,
 * but not free: under a checkout burst most orders "untouched for a while" are simply waiting
 * their turn in a queue, and a second job for each (a fresh id, see SagaEnqueue) doubled the
 * queue the burst was waiting on. An order whose step job still waits (`stillQueued`) is skipped;
 * one whose job is active, perhaps held by a dead worker until BullMQ's stall check frees it,
 * gets its second job as before.
 */
import type { Queue } from "bullmq";
import { core } from "@agora/db";
import {
  nextStep,
  PAYMENT_STEPS,
  TERMINAL_STATUSES,
  type OrderStatus,
  type SagaEnqueue,
  type SagaStep,
} from "@agora/orders";

export interface RecoveryOptions {
  /** Only orders untouched for this long (database clock, so worker clock skew does not matter). */
  olderThanMs: number;
  enqueue: SagaEnqueue;
  /** Upper bound per sweep so one sweep cannot flood the queue. */
  limit?: number;
  /** Whether the step's own job (`<orderId>.<step>`) is still waiting in its queue. */
  stillQueued?: (orderId: string, step: SagaStep) => Promise<boolean>;
}

/** Job states in which a step job has not started yet: the saga is queued, not stalled. */
const NOT_STARTED = new Set(["waiting", "delayed", "prioritized", "waiting-children"]);

/** `stillQueued` over the pools' two queues (provider steps wait on `payments`). */
export function waitingInQueues(sagas: Queue, payments: Queue) {
  return async (orderId: string, step: SagaStep): Promise<boolean> => {
    const queue = PAYMENT_STEPS.includes(step) ? payments : sagas;
    const job = await queue.getJob(`${orderId}.${step}`);
    return job ? NOT_STARTED.has(await job.getState()) : false;
  };
}

export async function recoverStalledSagas(
  opts: RecoveryOptions,
): Promise<{ orderId: string; step: SagaStep }[]> {
  const rows = await core().primary.$queryRaw<{ id: string; status: OrderStatus }[]>`
    SELECT id::text, status FROM orders
    WHERE status <> ALL(${[...TERMINAL_STATUSES]}::text[])
      AND updated_at < now() - make_interval(secs => ${opts.olderThanMs / 1000})
    ORDER BY updated_at
    LIMIT ${opts.limit ?? 500}`;
  const requeued: { orderId: string; step: SagaStep }[] = [];
  for (const r of rows) {
    const step = nextStep(r.status);
    if (!step) continue;
    if (await opts.stillQueued?.(r.id, step)) continue;
    await opts.enqueue(r.id, step, { recovery: true });
    requeued.push({ orderId: r.id, step });
  }
  return requeued;
}
