/**
 * What the Regions page shows of a region drill while it runs and after: its phases with their
 * timings (from the events the drill and the failback report), the report's headline numbers,
 * and whether the console that ran it is gone. Pure: the record comes in, the view goes out.
 */
import type { z } from "zod";
import type { RegionFailoverEvent } from "../backend.ts";
import {
  failbackReportSchema,
  failoverReportSchema,
  type RegionDrillEvent,
  type RegionDrillRun,
} from "./region-drill.schema.ts";

type FailoverReportView = z.infer<typeof failoverReportSchema>;

/** A running record whose heartbeat is older than this belongs to a console that stopped mid-drill. */
export const ABANDONED_AFTER_MS = 30_000;
/** Failback log lines kept in the record (the newest). */
export const LOG_LINES_KEPT = 60;

export type PhaseState = "pending" | "active" | "done" | "failed" | "skipped";

export interface DrillPhase {
  name: string;
  label: string;
  state: PhaseState;
  at: string | null;
  /** Since the loss (failover) or since the start (failback); null before the phase ended. */
  ms: number | null;
}

interface PhaseSpec {
  name: string;
  label: string;
  /** The event that ends the phase. */
  endedBy: (e: RegionDrillEvent) => boolean;
  /** The phase's own timing when its event carries one (ms since the loss). */
  ms?: (e: RegionDrillEvent) => number | undefined;
}

const FAILOVER_PHASES: PhaseSpec[] = [
  {
    name: "prepare",
    label: "Writers running, synchronous commit cost measured",
    endedBy: (e) => e.type === "sync-cost",
  },
  {
    name: "loss",
    label: "eu lost: its core SIGKILLed, its storefronts and order workers stopped",
    endedBy: (e) => e.type === "loss",
  },
  {
    name: "detected",
    label: "us sees eu's core gone (3 failed probes through the link)",
    endedBy: (e) => e.type === "detected",
    ms: (e) => e.ms,
  },
  {
    name: "promoted",
    label: "us copy of core promoted to primary",
    endedBy: (e) => e.type === "promoted",
  },
  {
    name: "workers",
    label: "us workers ready (relay, sagas, payments, inventory…)",
    endedBy: (e) => e.type === "workers-started",
    ms: (e) => e.ms,
  },
  { name: "done", label: "Writes checked, report written", endedBy: (e) => e.type === "done" },
];

const FAILBACK_PHASES: PhaseSpec[] = [
  {
    name: "us-stopped",
    label: "us stops taking writes: its workers, storefront and copy of core",
    endedBy: (e) => e.step === "us-stopped",
  },
  {
    name: "eu-core-ready",
    label: "eu's core back from its own data, a leader elected",
    endedBy: (e) => e.step === "eu-core-ready",
  },
  {
    name: "standby-rebuilt",
    label: "us copy rebuilt, streaming from eu again",
    endedBy: (e) => e.step === "standby-rebuilt",
  },
  {
    name: "eu-processes-started",
    label: "eu's storefronts and order workers restarted",
    endedBy: (e) => e.step === "eu-processes-started",
  },
  { name: "done", label: "Done: eu holds core's primary", endedBy: (e) => e.type === "done" },
];

/** The run's status as shown: a running record nobody updates any more is "abandoned". */
export function shownStatus(
  run: Pick<RegionDrillRun, "status" | "heartbeatAt">,
  now: number,
): RegionDrillRun["status"] | "abandoned" {
  if (run.status === "running" && now - Date.parse(run.heartbeatAt) > ABANDONED_AFTER_MS)
    return "abandoned";
  return run.status;
}

/**
 * Each phase of the run, in order: done when its event arrived, active for the first one after
 * the last done while running, failed for that one when the run ended without it (the rest skipped).
 */
export function drillPhases(
  run: Pick<RegionDrillRun, "kind" | "events" | "startedAt" | "finishedAt" | "status">,
  status: string,
): DrillPhase[] {
  const specs = run.kind === "failover" ? FAILOVER_PHASES : FAILBACK_PHASES;
  // A run that ended with a report is done, whether or not its last event was heard.
  const reported =
    (run.status === "passed" || run.status === "failed") &&
    !run.events.some((e) => e.type === "done");
  const events = reported
    ? [...run.events, { type: "done", at: run.finishedAt ?? "" }]
    : run.events;
  // Failover timings count from the loss (RTO's zero); failback's from its start.
  const loss = run.kind === "failover" ? events.find((e) => e.type === "loss") : undefined;
  const zero = loss
    ? Date.parse(loss.at)
    : run.kind === "failback"
      ? Date.parse(run.startedAt)
      : null;
  const ended = specs.map((spec) => events.find((e) => spec.endedBy(e)));
  const lastDone = ended.reduce((last, e, i) => (e ? i : last), -1);
  let blocked = false;
  return specs.map((spec, i) => {
    const e = ended[i];
    if (e) {
      const at = e.at || null;
      const own = spec.ms?.(e);
      const ms =
        own ??
        (at !== null && zero !== null && spec.name !== "prepare" ? Date.parse(at) - zero : null);
      return { name: spec.name, label: spec.label, state: "done", at, ms };
    }
    let state: PhaseState = "pending";
    if (i > lastDone && !blocked) {
      blocked = true;
      state = status === "running" ? "active" : "failed";
    } else if (status !== "running") state = "skipped";
    return { name: spec.name, label: spec.label, state, at: null, ms: null };
  });
}

/** The same judgement as the drill's own (infra/local regionDrillPassed): promoted, writes back, nothing acked in us lost. */
export function failoverPassed(
  r: Pick<FailoverReportView, "region" | "rto_ms" | "replicas_converged" | "split_brain">,
): boolean {
  return r.region.promoted !== null && r.rto_ms !== null && r.replicas_converged && !r.split_brain;
}

/** The report's headline numbers for the page; null for a report of another shape (an older console's). */
export function failoverSummary(report: unknown) {
  const parsed = failoverReportSchema.safeParse(report);
  if (!parsed.success) return null;
  const r = parsed.data;
  return {
    passed: failoverPassed(r),
    oldPrimary: r.old_primary,
    newPrimary: r.new_primary,
    rtoMs: r.rto_ms,
    unavailableMs: r.unavailable_ms,
    rpoWrites: r.region.rpo_writes,
    rpoWindowMs: r.region.rpo_window_ms,
    copyAgeAtLossMs: r.region.copy_age_at_loss_ms,
    detectedMs: r.region.detected_ms,
    promoteMs: r.region.promote_ms,
    storefrontRepointedMs: r.region.storefront_repointed_ms,
    workersStartedMs: r.region.workers_started_ms ?? null,
    euClientsMovedMs: r.region.edge.eu_clients_moved_ms,
    edgeErrors: r.region.edge.errors,
    ackedWrites: r.acked_writes,
    failedWrites: r.failed_writes,
    splitBrain: r.split_brain,
    replicasConverged: r.replicas_converged,
    asyncCommitP50Ms: r.region.sync_cost.async_commit_ms.p50,
    syncCommitP50Ms: r.region.sync_cost.sync_commit_ms.p50,
  };
}
export type FailoverSummary = ReturnType<typeof failoverSummary>;

/**
 * Adds one drill event to the run: progress ticks (ten a second) only update the write counts,
 * the final report is kept as the report, everything else is appended with its time.
 */
export function recordFailoverEvent(run: RegionDrillRun, e: RegionFailoverEvent, at: string): void {
  if (e.type === "progress") run.writes = { acked: e.acked, failed: e.failed };
  else if (e.type === "done") {
    run.report = e.report;
    run.events.push({ type: "done", at });
  } else run.events.push({ ...e, at });
}

/** Adds a failback step or log line; log lines beyond LOG_LINES_KEPT drop the oldest. */
export function recordFailbackEvent(
  run: RegionDrillRun,
  e: { step: string } | { line: string },
  at: string,
): void {
  if ("step" in e) run.events.push({ type: "step", step: e.step, at });
  else {
    run.events.push({ type: "log", line: e.line.slice(0, 500), at });
    const logs = run.events.filter((x) => x.type === "log");
    if (logs.length > LOG_LINES_KEPT) run.events.splice(run.events.indexOf(logs[0]!), 1);
  }
}

/** The page's view of one run. */
export function runView(run: RegionDrillRun, now: number) {
  const status = shownStatus(run, now);
  const live = {
    rtoMs: run.events.find((e) => e.type === "recovered")?.rtoMs ?? null,
    storefrontRepointedMs: run.events.find((e) => e.type === "storefront-repointed")?.ms ?? null,
    euClientsMovedMs: run.events.find((e) => e.type === "edge-moved")?.ms ?? null,
  };
  return {
    id: run.id,
    kind: run.kind,
    region: run.region,
    status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error:
      status === "abandoned"
        ? "the console running it stopped; its processes may be half-way: run the failback"
        : run.error,
    phases: drillPhases(run, status),
    writes: run.writes,
    live,
    notes: run.events.filter((e) => e.type === "aborted").map((e) => e.reason ?? ""),
    log: run.events
      .filter((e) => e.type === "log")
      .map((e) => `${e.at.slice(11, 19)} ${e.line ?? ""}`)
      .slice(-12),
    failover: run.kind === "failover" ? failoverSummary(run.report) : null,
    failback:
      run.kind === "failback" ? (failbackReportSchema.safeParse(run.report).data ?? null) : null,
    /** Still to reach the drill history (core was not writable yet). */
    historyPending: run.pendingHistory.drillRun || run.pendingHistory.audit.length > 0,
  };
}
export type RegionDrillRunView = ReturnType<typeof runView>;
