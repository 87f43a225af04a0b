/**
 * The region failover drill and its failback, started from the Regions page (docs/adr/0010). Like
 * the cluster drills (ops/drills/drill-runs.ts) they run inside the console's server process, but
 * their progress cannot go to `drill_runs` every second: the drill kills eu's core, which is the
 * console's own database, and after the promotion core's primary is us's copy, which the console
 * does not reach. So the run is kept in this process and written every second to a record beside
 * the deployment (OpsBackend.writeRegionDrillRecord: a file in the state folder), which any console
 * instance reads. What belongs in core — the drill_runs row with the report and actor, the
 * failback's audit entry — waits in the record until core's primary answers again (after the
 * failback) and is written then; the drill itself also stores its report in the promoted copy and
 * the state folder, and the failback copies those into eu's core.
 */
import { randomUUID } from "node:crypto";
import { core } from "@agora/db";
import { createLogger } from "@agora/telemetry";
import { TRPCError } from "@trpc/server";
import { withTimeout } from "../../data-layer/timeout.ts";
import {
  hasOpsBackend,
  opsBackend,
  type OpsBackend,
  type RegionsTopologyView,
} from "../backend.ts";
import {
  failoverPassed,
  recordFailbackEvent,
  recordFailoverEvent,
  runView,
  shownStatus,
} from "./region-drill-progress.ts";
import {
  failoverReportSchema,
  type PendingAudit,
  type RegionDrillRecord,
  regionDrillRecordSchema,
  type RegionDrillRun,
  type StartRegionFailoverInput,
} from "./region-drill.schema.ts";

const log = createLogger({ service: "ops-region-drills" });

const FLUSH_EVERY_MS = 1_000;
/** A cluster drill row still "running" after this long belongs to a console that died (drill-runs.ts). */
const CLUSTER_DRILL_STALE_MS = 10 * 60_000;
/** How often a read of the drill tries to write what waits for core, while core does not answer. */
const HISTORY_RETRY_MS = 15_000;
const CORE_WRITE_TIMEOUT_MS = 5_000;

type RecordedBackend = Required<
  Pick<OpsBackend, "readRegionDrillRecord" | "writeRegionDrillRecord" | "regionsOverview">
> &
  OpsBackend;

interface LocalState {
  /** The record as this process last knew it; authoritative while `running` is set. */
  record: RegionDrillRecord | null;
  running: boolean;
  /** Set from a start's first check to its end (or its refusal): two clicks cannot both start. */
  claimed: boolean;
  historyTriedAt: number;
}

const KEY = Symbol.for("@agora/api/region-drill-runs");
const slot = globalThis as typeof globalThis & { [KEY]?: LocalState };
function local(): LocalState {
  slot[KEY] ??= { record: null, running: false, claimed: false, historyTriedAt: 0 };
  return slot[KEY];
}

/** Forgets this process's state (tests). */
export function resetRegionDrillState(): void {
  slot[KEY] = undefined;
}

function recordedBackend(): RecordedBackend {
  const backend = opsBackend();
  if (!backend.readRegionDrillRecord || !backend.writeRegionDrillRecord || !backend.regionsOverview)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "region drills cannot be run from this deployment's console",
    });
  return backend as RecordedBackend;
}

const ACTIONS = { regionFailover: "region failover drills", regionFailback: "the failback" } as const;

/** The backend, when this deployment's console can run `action` at all. */
function backendFor(action: keyof typeof ACTIONS): RecordedBackend {
  const backend = recordedBackend();
  if (!backend[action])
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${ACTIONS[action]} cannot be run from this deployment's console` });
  return backend;
}

const EMPTY: RegionDrillRecord = { failover: null, failback: null };

/** The record: this process's while it runs one, else the deployment's (another instance's, or an earlier one). */
async function currentRecord(backend: RecordedBackend): Promise<RegionDrillRecord> {
  const s = local();
  if (s.running && s.record) return s.record;
  const raw = await backend.readRegionDrillRecord();
  if (raw === null || raw === undefined) return EMPTY;
  const parsed = regionDrillRecordSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  log.warn(
    { issues: parsed.error.issues.slice(0, 3) },
    "region drill record has an unexpected shape; treated as none",
  );
  return EMPTY;
}

/** Whether a region drill or failback runs now (here or in another console instance). */
export async function regionDrillRunning(): Promise<boolean> {
  if (local().running || local().claimed) return true;
  if (!hasOpsBackend()) return false;
  const backend = opsBackend();
  if (!backend.readRegionDrillRecord) return false;
  const record = await currentRecord(backend as RecordedBackend);
  return [record.failover, record.failback].some(
    (r) => r !== null && shownStatus(r, Date.now()) === "running",
  );
}

function runningConflict(record: RegionDrillRecord): TRPCError | null {
  const run = [record.failover, record.failback].find(
    (r) => r !== null && shownStatus(r, Date.now()) === "running",
  );
  return run
    ? new TRPCError({
        code: "CONFLICT",
        message: `a region ${run.kind} is still running (started ${run.startedAt})`,
      })
    : null;
}

async function twoRegions(backend: RecordedBackend): Promise<RegionsTopologyView> {
  const view = await withTimeout("regions overview", 6_000, backend.regionsOverview()).catch(
    (err: Error) => {
      log.warn({ err: err.message }, "regions overview failed");
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "the regions could not be read in time; try again",
      });
    },
  );
  if (view.regions.length < 2)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "this deployment runs one region: there is no other region to fail over to",
    });
  return view;
}

/** Claims the right to start, runs `start`, and lets go if it refused or failed. */
async function withClaim<T>(start: () => Promise<T>): Promise<T> {
  const s = local();
  if (s.running || s.claimed)
    throw new TRPCError({
      code: "CONFLICT",
      message: "a region drill is being started or is running in this console",
    });
  s.claimed = true;
  try {
    return await start();
  } finally {
    s.claimed = false;
  }
}

function newRun(kind: RegionDrillRun["kind"], region: string, actorUserId: string): RegionDrillRun {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    kind,
    region,
    status: "running",
    actorUserId,
    startedAt: now,
    finishedAt: null,
    heartbeatAt: now,
    events: [],
    writes: null,
    report: null,
    error: null,
    pendingHistory: { drillRun: false, audit: [] },
  };
}

/**
 * Starts the region failover drill: `input.region` (the one holding core's primary) is lost, the
 * other's copy of core promoted. Refused while any drill runs or when a failover was not failed back.
 */
export async function startRegionFailover(actorUserId: string, input: StartRegionFailoverInput) {
  const backend = backendFor("regionFailover");
  return withClaim(async () => {
    const view = await twoRegions(backend);
    if (view.promotedRegion !== null)
      throw new TRPCError({
        code: "CONFLICT",
        message: `${view.promotedRegion} already holds core's primary (a failover not failed back yet): run the failback first`,
      });
    if (!view.regions.some((r) => r.name === input.region))
      throw new TRPCError({ code: "BAD_REQUEST", message: `no region named ${input.region}` });
    if (input.region !== view.coreRegion)
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: `only the loss of ${view.coreRegion}, the region holding core's primary, is drilled`,
      });
    const record = await currentRecord(backend);
    const conflict = runningConflict(record);
    if (conflict) throw conflict;
    if (awaitsFailback(record))
      throw new TRPCError({
        code: "CONFLICT",
        message:
          "the last region drill stopped eu and waits for its failback: run the failback first",
      });
    // The cluster drills keep their runs in core (eu's core is up until this drill kills it).
    const db = core().primary;
    const clusterDrill = await db.drillRun.findFirst({
      where: {
        status: "running",
        startedAt: { gte: new Date(Date.now() - CLUSTER_DRILL_STALE_MS) },
      },
    });
    if (clusterDrill)
      throw new TRPCError({
        code: "CONFLICT",
        message: `a drill on ${clusterDrill.cluster} is still running (${clusterDrill.id})`,
      });
    const run = newRun("failover", input.region, actorUserId);
    // Audited before anything is killed: core answers now, and will not for a while.
    await db.auditLog.create({
      data: {
        actorUserId,
        action: "region.failover",
        targetType: "region",
        targetId: input.region,
        details: { id: run.id },
      },
    });
    return launch(backend, { failover: run, failback: null }, run, runFailover);
  });
}

/** Whether the last failover still waits for its failback (eu stopped even when us was not promoted). */
function awaitsFailback(record: RegionDrillRecord): boolean {
  const f = record.failover;
  // A drill that failed before the loss stopped nothing: there is nothing to put back.
  if (!f || f.status === "running" || !f.events.some((e) => e.type === "loss")) return false;
  const b = record.failback;
  return b === null || Date.parse(b.startedAt) < Date.parse(f.startedAt) || b.status !== "passed";
}

/** Starts the failback: eu's core back from its own data, us rebuilt from it (what us took is discarded). */
export async function startRegionFailback(actorUserId: string) {
  const backend = backendFor("regionFailback");
  return withClaim(async () => {
    const view = await twoRegions(backend);
    const record = await currentRecord(backend);
    const conflict = runningConflict(record);
    if (conflict) throw conflict;
    if (view.promotedRegion === null && !awaitsFailback(record))
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `${view.coreRegion} holds core's primary and no region drill waits for its failback`,
      });
    // Core's primary goes back to the region the drill lost.
    const region =
      record.failover?.region ??
      view.regions.find((r) => r.name !== view.promotedRegion)?.name ??
      view.coreRegion;
    const run = newRun("failback", region, actorUserId);
    // eu's core (where the audit log lives) is down now: the entry is written when it is back.
    run.pendingHistory.audit.push({
      actorUserId,
      action: "region.failback",
      targetId: region,
      at: run.startedAt,
      details: {
        id: run.id,
        failoverId: record.failover?.id ?? null,
        promotedRegion: view.promotedRegion,
      },
    });
    return launch(backend, { failover: record.failover, failback: run }, run, runFailback);
  });
}

/** Saves the record with its new run, marks this process as the one running it, and starts it. */
async function launch(
  backend: RecordedBackend,
  next: RegionDrillRecord,
  run: RegionDrillRun,
  runner: (backend: RecordedBackend, record: RegionDrillRecord, run: RegionDrillRun) => Promise<void>,
): Promise<{ id: string }> {
  await backend.writeRegionDrillRecord(next);
  const s = local();
  s.record = next;
  s.running = true;
  void runner(backend, next, run);
  return { id: run.id };
}

/** Writes the record every second while the run goes on (its heartbeat too). */
function startFlushing(
  backend: RecordedBackend,
  record: RegionDrillRecord,
  run: RegionDrillRun,
): () => Promise<void> {
  const flush = async () => {
    run.heartbeatAt = new Date().toISOString();
    await backend.writeRegionDrillRecord(record).catch((err: Error) => {
      // The next tick writes it again; a reader meanwhile sees the previous second's.
      log.warn({ err: err.message }, "region drill record not written");
    });
  };
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  return async () => {
    clearInterval(timer);
    await flush();
  };
}

function finish(
  run: RegionDrillRun,
  status: RegionDrillRun["status"],
  error: string | null = null,
): void {
  run.status = status;
  run.error = error === null ? null : error.slice(0, 2_000);
  run.finishedAt = new Date().toISOString();
}

async function runFailover(
  backend: RecordedBackend,
  record: RegionDrillRecord,
  run: RegionDrillRun,
): Promise<void> {
  const stop = startFlushing(backend, record, run);
  try {
    const report = await backend.regionFailover!({
      onEvent: (e) => recordFailoverEvent(run, e, new Date().toISOString()),
    });
    run.report = report;
    finish(run, failoverPassed(report) ? "passed" : "failed");
  } catch (err) {
    log.error({ err: (err as Error).message, id: run.id }, "region failover drill failed");
    finish(run, "error", (err as Error).message);
  }
  // The drill stored its report in the promoted copy and the state folder; the row with the
  // operator (or the error) is written to eu's core when it answers again.
  run.pendingHistory.drillRun = true;
  local().running = false;
  await stop();
}

async function runFailback(
  backend: RecordedBackend,
  record: RegionDrillRecord,
  run: RegionDrillRun,
): Promise<void> {
  const stop = startFlushing(backend, record, run);
  try {
    run.report = await backend.regionFailback!({
      onStep: (step) => recordFailbackEvent(run, { step }, new Date().toISOString()),
      onLog: (line) => recordFailbackEvent(run, { line }, new Date().toISOString()),
    });
    finish(run, "passed");
  } catch (err) {
    log.error({ err: (err as Error).message, id: run.id }, "region failback failed");
    finish(run, "error", (err as Error).message);
  }
  local().running = false;
  await stop();
  // eu's core is its primary again: what waited for it goes now.
  await writeHistory(backend, record);
}

/** The drill_runs row of a finished failover: its report under `drill` (as the drill's own), its operator. */
function drillRunRow(run: RegionDrillRun) {
  const report = failoverReportSchema.safeParse(run.report);
  if (report.success)
    return {
      id: report.data.drill_id,
      cluster: `region-${report.data.region.lost}`,
      mode: "kill",
      status: run.status,
      actorUserId: run.actorUserId,
      report: { drill: run.report, traffic: null, invariants: [] } as object,
      startedAt: new Date(report.data.started_at),
      finishedAt: new Date(report.data.finished_at),
    };
  return {
    id: run.id,
    cluster: `region-${run.region}`,
    mode: "kill",
    status: "error",
    actorUserId: run.actorUserId,
    error: run.error ?? "no report",
    startedAt: new Date(run.startedAt),
    finishedAt: run.finishedAt ? new Date(run.finishedAt) : new Date(),
  };
}

async function writeAudit(entry: PendingAudit): Promise<void> {
  await core().primary.auditLog.create({
    data: {
      actorUserId: entry.actorUserId,
      action: entry.action,
      targetType: "region",
      targetId: entry.targetId,
      details: entry.details as object,
      createdAt: new Date(entry.at),
    },
  });
}

/**
 * Writes what waits for a writable core — audit entries, the failover's drill_runs row — and
 * saves the record without them. Core not answering leaves them waiting (tried again later).
 */
export async function writeHistory(
  backend: RecordedBackend,
  record: RegionDrillRecord,
): Promise<void> {
  local().historyTriedAt = Date.now();
  let changed = false;
  try {
    for (const run of [record.failover, record.failback]) {
      if (!run || run.status === "running") continue;
      while (run.pendingHistory.audit.length > 0) {
        await withTimeout(
          "audit log write",
          CORE_WRITE_TIMEOUT_MS,
          writeAudit(run.pendingHistory.audit[0]!),
        );
        run.pendingHistory.audit.shift();
        changed = true;
      }
      if (run.pendingHistory.drillRun) {
        const row = drillRunRow(run);
        // The failback may have copied the drill's own row already: then only the operator is added.
        await withTimeout(
          "drill history write",
          CORE_WRITE_TIMEOUT_MS,
          core().primary.drillRun.upsert({
            where: { id: row.id },
            create: row,
            update: { actorUserId: run.actorUserId },
          }),
        );
        run.pendingHistory.drillRun = false;
        changed = true;
      }
    }
  } catch (err) {
    log.info(
      { err: (err as Error).message },
      "core not writable yet: the region drill's history waits",
    );
  }
  if (changed)
    await backend.writeRegionDrillRecord(record).catch((err: Error) => {
      // Written again (idempotently) on a later read.
      log.warn({ err: err.message }, "region drill record not written");
    });
}

/** The Regions page's drill panel: the latest failover and failback, live while they run. */
export async function regionDrillStatus() {
  if (!hasOpsBackend()) return { available: false as const };
  const backend = opsBackend();
  if (
    !backend.readRegionDrillRecord ||
    !backend.writeRegionDrillRecord ||
    !backend.regionsOverview ||
    !backend.regionFailover
  )
    return { available: false as const };
  const recorded = backend as RecordedBackend;
  const record = await currentRecord(recorded);
  const s = local();
  const waiting = [record.failover, record.failback].some(
    (r) =>
      r !== null &&
      r.status !== "running" &&
      (r.pendingHistory.drillRun || r.pendingHistory.audit.length > 0),
  );
  // Only one process writes the record at a time: the one running a drill, or none.
  if (waiting && !s.running && !s.claimed && Date.now() - s.historyTriedAt > HISTORY_RETRY_MS)
    void writeHistory(recorded, record);
  const now = Date.now();
  return {
    available: true as const,
    failover: record.failover ? runView(record.failover, now) : null,
    failback: record.failback ? runView(record.failback, now) : null,
    awaitsFailback: awaitsFailback(record),
  };
}
