/**
 * The analytics batch's queue contract (shared by the worker that runs it and the console that
 * asks for it) and the operator's "reconcile now": a manual run over the last N whole days.
 */
import { z } from "zod";
import { enqueueOperatorJob } from "../ops/queues/queue-overview.ts";
import { recentDays } from "./buckets.ts";

export const RECONCILE_QUEUE = "analytics-reconcile";

export const reconcileJobSchema = z.discriminatedUnion("trigger", [
  z.object({ trigger: z.literal("schedule"), days: z.number().int().positive().max(366) }),
  z.object({
    trigger: z.literal("manual"),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
  }),
]);
export type ReconcileJob = z.infer<typeof reconcileJobSchema>;

export const runReconcileInput = z.object({ days: z.number().int().min(1).max(31).default(2) });

export async function requestReconcile(
  actorUserId: string,
  input: z.output<typeof runReconcileInput>,
): Promise<{ jobId: string; from: string; to: string }> {
  const range = recentDays(new Date(), input.days);
  const data: ReconcileJob = {
    trigger: "manual",
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  };
  const { jobId } = await enqueueOperatorJob(
    actorUserId,
    RECONCILE_QUEUE,
    "reconcile",
    data,
    "analytics.reconcile-requested",
  );
  return { jobId, from: data.from, to: data.to };
}
