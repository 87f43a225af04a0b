/**
 * The recovery sweep: a saga whose worker died between two steps (after a commit, before the
 * enqueue; or with its job lost with Redis) is found here by its order row and its next step is
 * enqueued again. Steps are idempotent, so re-enqueueing a saga that is merely slow is harmless.
 */
import { core } from "@agora/db";
import {
  nextStep,
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
    await opts.enqueue(r.id, step, { recovery: true });
    requeued.push({ orderId: r.id, step });
  }
  return requeued;
}
