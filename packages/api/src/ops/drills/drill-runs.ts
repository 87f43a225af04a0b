/**
 * Failover drills started from the ops console. The drill (infra/local/src/drills) runs inside the
 * console's server process while synthetic checkout traffic runs beside it; its events are saved
 * to `drill_runs` every second so any console instance can show it live, and the final report
 * adds the traffic windows and the invariants checked afterwards.
 */
import { randomUUID } from "node:crypto";
import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { opsBackend, type DrillEvent, type FailoverDrillReport } from "../backend.ts";
import { checkInvariants, type InvariantResult } from "../invariants.ts";
import { regionDrillRunning } from "../regions/region-drill-runs.ts";
import { createCheckoutProbe } from "./checkout-probe.ts";
import { runTraffic, summarizeTraffic, type TrafficSummary } from "./traffic.ts";

export const startDrillInput = z.object({
  cluster: z.string().regex(/^[a-z0-9-]+$/),
  mode: z.enum(["kill", "freeze"]).default("kill"),
});

/** A drill row still "running" after this long belongs to a console that died mid-drill. */
const STALE_AFTER_MS = 10 * 60_000;
const FLUSH_EVERY_MS = 1_000;

export interface DrillOutcome {
  drill: FailoverDrillReport;
  traffic: TrafficSummary | null;
  invariants: InvariantResult[];
}

/** Drill events as stored, plus notes of the console itself (e.g. why traffic is missing). */
type JsonEvent = (DrillEvent | { type: "note"; message: string }) & { at: string };

export async function startDrill(actorUserId: string, input: z.infer<typeof startDrillInput>) {
  if (!opsBackend().clusterNames().includes(input.cluster))
    throw new TRPCError({ code: "NOT_FOUND", message: `no cluster named ${input.cluster}` });
  if (await regionDrillRunning())
    throw new TRPCError({ code: "CONFLICT", message: "a region drill is running: wait until it and its failback are done" });
  const db = core().primary;
  await db.drillRun.updateMany({
    where: { status: "running", startedAt: { lt: new Date(Date.now() - STALE_AFTER_MS) } },
    data: {
      status: "error",
      error: "abandoned: the console running it stopped",
      finishedAt: new Date(),
    },
  });
  const id = randomUUID();
  // One drill at a time: the partial unique index would be nicer, but a check inside one
  // serializable transaction is enough for a console with a handful of operators.
  await db.$transaction(
    async (tx) => {
      const running = await tx.drillRun.findFirst({ where: { status: "running" } });
      if (running)
        throw new TRPCError({
          code: "CONFLICT",
          message: `a drill on ${running.cluster} is still running (${running.id})`,
        });
      await tx.drillRun.create({
        data: { id, cluster: input.cluster, mode: input.mode, status: "running", actorUserId },
      });
    },
    { isolationLevel: "Serializable" },
  );
  await db.auditLog.create({
    data: {
      actorUserId,
      action: "drill.start",
      targetType: "cluster",
      targetId: input.cluster,
      details: { id, mode: input.mode },
    },
  });
  void runInBackground(id, input);
  return { id };
}

async function runInBackground(id: string, input: z.infer<typeof startDrillInput>): Promise<void> {
  const db = core().primary;
  const events: JsonEvent[] = [];
  let dirty = false;
  const flush = async () => {
    if (!dirty) return;
    dirty = false;
    await db.drillRun.update({ where: { id }, data: { events: events as object[] } }).catch(() => {
      dirty = true; // core itself may be the cluster under drill: try again on the next tick
    });
  };
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  // Without a probe (no stock, simulator down) the drill still runs; the report says why.
  const probe = await createCheckoutProbe().catch((err: Error) => {
    events.push({
      type: "progress",
      acked: 0,
      failed: 0,
      at: new Date().toISOString(),
      note: `no synthetic traffic: ${err.message}`,
    } as JsonEvent);
    return null;
  });
  const traffic = probe ? runTraffic(probe.probe) : null;
  let recoveredAt: number | null = null;
  try {
    const drill = await opsBackend().runFailoverDrill({
      cluster: input.cluster,
      mode: input.mode,
      onEvent: (e) => {
        // Progress ticks every 100 ms would bloat the row: keep one per second.
        const last = events.at(-1);
        if (
          e.type === "progress" &&
          last?.type === "progress" &&
          Date.now() - Date.parse(last.at) < 1000
        )
          return;
        if (e.type === "recovered" && e.rtoMs >= 0) recoveredAt = Date.now();
        events.push({ ...e, at: new Date().toISOString() });
        dirty = true;
      },
    });
    await traffic?.stop();
    await probe?.close();
    const trafficSummary = traffic
      ? summarizeTraffic(traffic.samples, Date.parse(drill.fault_at), recoveredAt)
      : null;
    const invariants = await checkInvariants();
    invariants.push(
      {
        name: "no split brain",
        ok: !drill.split_brain,
        detail: `writes acknowledged by: ${JSON.stringify(drill.acked_by_node)}`,
      },
      {
        name: "replicas converge",
        ok: drill.replicas_converged,
        detail: drill.replicas_converged
          ? "every member has every acknowledged write"
          : "a member is missing writes",
      },
    );
    const lostOk = drill.lost_writes === 0;
    const passed = lostOk && invariants.every((i) => i.ok) && drill.rto_ms !== null;
    clearInterval(timer);
    await flush();
    const outcome: DrillOutcome = { drill, traffic: trafficSummary, invariants };
    await db.drillRun.update({
      where: { id },
      data: {
        status: passed ? "passed" : "failed",
        report: outcome as unknown as object,
        traffic: trafficSummary as unknown as object,
        finishedAt: new Date(),
      },
    });
  } catch (err) {
    clearInterval(timer);
    await traffic?.stop();
    await probe?.close();
    await flush();
    await db.drillRun.update({
      where: { id },
      data: {
        status: "error",
        error: (err as Error).message.slice(0, 2000),
        finishedAt: new Date(),
      },
    });
  }
}

export async function getDrill(id: string) {
  const row = await core().primary.drillRun.findUnique({ where: { id } });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no drill ${id}` });
  return row;
}

/** History for the drills page: newest first, with the numbers the charts plot. */
export async function listDrills() {
  const rows = await core().primary.drillRun.findMany({ orderBy: { startedAt: "desc" }, take: 50 });
  return rows.map((r) => {
    const report = r.report as DrillOutcome | null;
    return {
      id: r.id,
      cluster: r.cluster,
      mode: r.mode,
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      error: r.error,
      rtoMs: report?.drill.rto_ms ?? null,
      lostWrites: report?.drill.lost_writes ?? null,
      checkoutsFailed: report?.traffic?.during.failed ?? null,
    };
  });
}
