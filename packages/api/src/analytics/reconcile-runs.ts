/**
 * Reconcile runs of the analytics batch: the vendor sees the newest finished run with the
 * differences found in its own rows; operators see the newest runs across all vendors.
 */
import { core } from "@agora/db";
import { z } from "zod";

export interface ReconcileRunView {
  id: string;
  trigger: string;
  status: string;
  rangeStart: Date;
  rangeEnd: Date;
  eventsRead: number;
  viewsRead: number;
  bucketsCompared: number;
  differences: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const RUN_FIELDS = {
  id: true,
  trigger: true,
  status: true,
  rangeStart: true,
  rangeEnd: true,
  eventsRead: true,
  viewsRead: true,
  bucketsCompared: true,
  differences: true,
  error: true,
  startedAt: true,
  finishedAt: true,
} as const;

/** The newest run and how many of its differences were in this vendor's rows (null: none yet). */
export async function lastReconcileForVendor(
  vendorId: string,
): Promise<(ReconcileRunView & { vendorDifferences: number }) | null> {
  const { value } = await core().read({ level: "eventual" }, async (db) => {
    const run = await db.analyticsReconcileRun.findFirst({
      where: { status: { not: "running" } },
      orderBy: { startedAt: "desc" },
      select: RUN_FIELDS,
    });
    if (!run) return null;
    const vendorDifferences = await db.analyticsReconcileDifference.count({
      where: { runId: run.id, vendorId },
    });
    return { ...run, vendorDifferences };
  });
  return value;
}

export const recentRunsInput = z.object({ limit: z.number().int().min(1).max(50).default(10) });

/** Operators: the newest runs, all vendors, with the vendors whose rows differed. */
export async function recentReconcileRuns(
  input: z.infer<typeof recentRunsInput>,
): Promise<(ReconcileRunView & { vendorsAffected: number })[]> {
  const { value } = await core().read({ level: "eventual" }, async (db) => {
    const runs = await db.analyticsReconcileRun.findMany({
      orderBy: { startedAt: "desc" },
      take: input.limit,
      select: RUN_FIELDS,
    });
    const affected = await db.analyticsReconcileDifference.groupBy({
      by: ["runId", "vendorId"],
      where: { runId: { in: runs.map((r) => r.id) } },
    });
    return runs.map((r) => ({
      ...r,
      vendorsAffected: affected.filter((a) => a.runId === r.id).length,
    }));
  });
  return value;
}
