import { describe, expect, it } from "vitest";
import {
  ABANDONED_AFTER_MS,
  drillPhases,
  LOG_LINES_KEPT,
  recordFailbackEvent,
  recordFailoverEvent,
  runView,
} from "./region-drill-progress.ts";
import type { RegionDrillRun } from "./region-drill.schema.ts";
import { regionFailoverReport } from "./region-drill.fixtures.ts";

const T0 = Date.parse("2026-12-06T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

function run(kind: RegionDrillRun["kind"], over: Partial<RegionDrillRun> = {}): RegionDrillRun {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    kind,
    region: "eu",
    status: "running",
    actorUserId: "00000000-0000-4000-8000-0000000000aa",
    startedAt: at(-10_000),
    finishedAt: null,
    heartbeatAt: at(0),
    events: [],
    writes: null,
    report: null,
    error: null,
    pendingHistory: { drillRun: false, audit: [] },
    ...over,
  };
}

const REPORT = regionFailoverReport({ startedAt: at(-10_000), faultAt: at(0), finishedAt: at(30_000) });

describe("region drill progress", () => {
  it("times each phase from the loss: detection and workers by the drill's own numbers, the promotion by its arrival", () => {
    const r = run("failover");
    recordFailoverEvent(
      r,
      { type: "ready", euPrimary: "core-1", standby: "core-us-1" },
      at(-8_000),
    );
    recordFailoverEvent(r, { type: "sync-cost", asyncP50: 44, syncP50: 160 }, at(-4_000));
    recordFailoverEvent(r, { type: "loss", killed: ["core-1", "core-2", "core-3"] }, at(0));
    recordFailoverEvent(r, { type: "detected", ms: 3_200 }, at(3_250));
    recordFailoverEvent(r, { type: "promoted", ms: 1_300 }, at(4_600));
    const phases = drillPhases(r, "running");
    expect(phases.map((p) => [p.name, p.state, p.ms])).toEqual([
      ["prepare", "done", null],
      ["loss", "done", 0],
      ["detected", "done", 3_200],
      ["promoted", "done", 4_600],
      ["workers", "active", null],
      ["done", "pending", null],
    ]);
  });

  it("keeps only the latest write counts of the drill's progress ticks, and the report apart from the events", () => {
    const r = run("failover");
    for (let i = 1; i <= 50; i++)
      recordFailoverEvent(r, { type: "progress", acked: i * 10, failed: i }, at(i));
    recordFailoverEvent(r, { type: "done", report: REPORT as never }, at(31_000));
    expect(r.writes).toEqual({ acked: 500, failed: 50 });
    expect(r.events).toEqual([{ type: "done", at: at(31_000) }]);
    expect(r.report).toBe(REPORT);
  });

  it("marks the phase the run died in as failed and the rest as skipped", () => {
    const r = run("failover", { status: "error", error: "core-us-1 still in recovery" });
    recordFailoverEvent(r, { type: "sync-cost", asyncP50: 44, syncP50: 160 }, at(-4_000));
    recordFailoverEvent(r, { type: "loss", killed: ["core-1"] }, at(0));
    recordFailoverEvent(r, { type: "detected", ms: 3_000 }, at(3_000));
    expect(drillPhases(r, "error").map((p) => p.state)).toEqual([
      "done",
      "done",
      "done",
      "failed",
      "skipped",
      "skipped",
    ]);
  });

  it("says a running record whose heartbeat stopped was abandoned", () => {
    const r = run("failover", { heartbeatAt: at(0) });
    expect(runView(r, T0 + 1_000).status).toBe("running");
    const gone = runView(r, T0 + ABANDONED_AFTER_MS + 1);
    expect(gone.status).toBe("abandoned");
    expect(gone.error).toMatch(/failback/);
    expect(gone.phases[0]?.state).toBe("failed");
  });

  it("sums up the final report: RTO, RPO, detection, promotion, workers, the synchronous alternative", () => {
    const view = runView(run("failover", { status: "passed", report: REPORT }), T0);
    expect(view.failover).toMatchObject({
      passed: true,
      rtoMs: 4_700,
      rpoWrites: 4,
      rpoWindowMs: 41,
      detectedMs: 3_200,
      promoteMs: 1_300,
      workersStartedMs: 25_000,
      asyncCommitP50Ms: 44,
      syncCommitP50Ms: 160,
    });
  });

  it("shows no summary rather than failing for a report of another shape", () => {
    expect(
      runView(run("failover", { status: "passed", report: { rto: "fast" } }), T0).failover,
    ).toBeNull();
  });

  it("follows the failback's steps from its start, done once it passed, and keeps the newest log lines", () => {
    const r = run("failback", { startedAt: at(0) });
    recordFailbackEvent(r, { step: "us-stopped" }, at(12_000));
    recordFailbackEvent(r, { step: "eu-core-ready" }, at(30_000));
    for (let i = 0; i < LOG_LINES_KEPT + 5; i++)
      recordFailbackEvent(r, { line: `line ${i}` }, at(31_000));
    expect(drillPhases(r, "running").map((p) => [p.name, p.state, p.ms])).toEqual([
      ["us-stopped", "done", 12_000],
      ["eu-core-ready", "done", 30_000],
      ["standby-rebuilt", "active", null],
      ["eu-processes-started", "pending", null],
      ["done", "pending", null],
    ]);
    expect(r.events.filter((e) => e.type === "log")).toHaveLength(LOG_LINES_KEPT);
    recordFailbackEvent(r, { step: "standby-rebuilt" }, at(60_000));
    recordFailbackEvent(r, { step: "eu-processes-started" }, at(90_000));
    r.status = "passed";
    expect(drillPhases(r, "passed").every((p) => p.state === "done")).toBe(true);
    expect(runView(r, T0).log.at(-1)).toMatch(/line 64$/);
  });
});
