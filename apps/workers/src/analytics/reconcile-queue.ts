/**
 * The batch on a schedule and on demand: queue `analytics-reconcile`, a BullMQ job scheduler
 * ("nightly-style", every ANALYTICS_RECONCILE_EVERY_MS) over the last ANALYTICS_RECONCILE_DAYS
 * days, and manual jobs with an explicit range. One job at a time per process; the advisory lock
 * serialises runs across processes.
 */
import {
  RECONCILE_QUEUE,
  reconcileJobSchema,
  recentDays,
  type ReconcileJob,
} from "@agora/api/analytics";
import { type Job, Queue, UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import { reconcile } from "./reconcile.ts";

export { RECONCILE_QUEUE, reconcileJobSchema, type ReconcileJob };

export const RECONCILE_SCHEDULER = "analytics-reconcile-nightly";

export function createReconcileQueue(connection: Redis): Queue<ReconcileJob> {
  const q = new Queue<ReconcileJob>(RECONCILE_QUEUE, { connection });
  q.on("error", (err) =>
    process.stderr.write(
      `${JSON.stringify({ level: "warn", queue: RECONCILE_QUEUE, msg: err.message })}\n`,
    ),
  );
  return q;
}

export async function scheduleReconcile(
  queue: Queue<ReconcileJob>,
  everyMs: number,
  days: number,
): Promise<void> {
  await queue.upsertJobScheduler(
    RECONCILE_SCHEDULER,
    { every: everyMs },
    { name: "reconcile", data: { trigger: "schedule", days } },
  );
}

export async function reconcileProcessor(job: Job<ReconcileJob>) {
  const parsed = reconcileJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(parsed.error.message);
  const data = parsed.data;
  const range =
    data.trigger === "schedule"
      ? recentDays(new Date(), data.days)
      : { from: new Date(data.from), to: new Date(data.to) };
  const r = await reconcile({
    trigger: data.trigger,
    ...range,
    onProgress: (p) => job.updateProgress(Math.round((100 * p.daysDone) / p.daysTotal)),
  });
  return { runId: r.runId, status: r.status, differences: r.differences.length };
}
