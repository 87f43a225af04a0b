import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  installOpsBackend,
  type OpsBackend,
  type RegionFailbackStep,
  type RegionFailoverEvent,
  type RegionFailoverReport,
  type RegionsTopologyView,
} from "../backend.ts";
import {
  regionDrillStatus,
  resetRegionDrillState,
  startRegionFailback,
  startRegionFailover,
} from "./region-drill-runs.ts";
import { startRegionFailoverInput } from "./region-drill.schema.ts";
import { regionFailoverReport } from "./region-drill.fixtures.ts";

// Core as the console reaches it: up or down (the drill kills it), with what was written to it.
const db = vi.hoisted(() => ({
  up: true,
  runningClusterDrill: null as null | { id: string; cluster: string },
  audit: [] as Record<string, unknown>[],
  drillRuns: new Map<string, Record<string, unknown>>(),
}));
vi.mock("@agora/db", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@agora/db")>();
  const guard = () => {
    if (!db.up) throw new Error("connect ECONNREFUSED core");
  };
  const primary = {
    drillRun: {
      findFirst: async () => (guard(), db.runningClusterDrill),
      upsert: async ({
        where,
        create,
        update,
      }: {
        where: { id: string };
        create: Record<string, unknown>;
        update: Record<string, unknown>;
      }) => {
        guard();
        const row = {
          ...(db.drillRuns.get(where.id) ?? create),
          ...(db.drillRuns.has(where.id) ? update : {}),
        };
        db.drillRuns.set(where.id, row);
        return row;
      },
    },
    auditLog: {
      create: async ({ data }: { data: Record<string, unknown> }) => (
        guard(),
        db.audit.push(data),
        data
      ),
    },
  };
  return { ...actual, core: () => ({ primary }) };
});

const ACTOR = "00000000-0000-4000-8000-0000000000aa";

const REPORT = regionFailoverReport({ startedAt: "2026-12-06T10:00:00.000Z", faultAt: "2026-12-06T10:00:08.000Z", finishedAt: "2026-12-06T10:00:40.000Z" });

/** A drill the test steps through: each `emit` is one event, `end` finishes it. */
function controllable<T>() {
  let onEvent: (e: RegionFailoverEvent) => void = () => {};
  let onStep: (s: RegionFailbackStep) => void = () => {};
  let settle: { resolve: (v: T) => void; reject: (e: Error) => void } | undefined;
  return {
    start: (handlers: { onEvent?: typeof onEvent; onStep?: typeof onStep }) => {
      if (handlers.onEvent) onEvent = handlers.onEvent;
      if (handlers.onStep) onStep = handlers.onStep;
      return new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
    },
    emit: (e: RegionFailoverEvent) => onEvent(e),
    step: (s: RegionFailbackStep) => onStep(s),
    end: (v: T) => settle?.resolve(v),
    fail: (e: Error) => settle?.reject(e),
  };
}

const flushed = () => new Promise((r) => setTimeout(r, 0));

function install(opts: { regions?: number; promoted?: string | null } = {}) {
  let stored: unknown = null;
  const drill = controllable<RegionFailoverReport>();
  const back = controllable<{
    discarded: { orders: number; drillWrites: number };
    euPrimary: string;
    standbyRebuiltMs: number;
    totalMs: number;
  }>();
  const view = (): RegionsTopologyView => {
    const promoted = opts.promoted ?? null;
    const names = ["eu", "us"].slice(0, opts.regions ?? 2);
    return {
      coreRegion: promoted ?? "eu",
      promotedRegion: promoted,
      regions: names.map((name) => ({
        name,
        holdsCorePrimary: name === (promoted ?? "eu"),
        primaries: [],
        copies: [],
        storefronts: [],
        redis: [],
        workers: [],
      })),
      shardRegions: {},
      links: [],
      unreachableLinks: [],
    };
  };
  const backend = {
    name: "fake",
    regionsOverview: async () => view(),
    regionFailover: ({ onEvent }) => drill.start({ onEvent }),
    regionFailback: ({ onStep }) => back.start({ onStep }),
    readRegionDrillRecord: async () => (stored === null ? null : structuredClone(stored)),
    writeRegionDrillRecord: async (r) => {
      stored = structuredClone(r);
    },
  } as Partial<OpsBackend> as OpsBackend;
  installOpsBackend(backend);
  return {
    drill,
    back,
    stored: () => stored,
    setPromoted: (p: string | null) => (opts.promoted = p),
  };
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  return err instanceof TRPCError ? err.code : `not a TRPCError: ${String(err)}`;
}

const failoverInput = startRegionFailoverInput.parse({ region: "eu", confirm: true });

describe("ops.regions drill controls", () => {
  beforeEach(() => {
    db.up = true;
    db.runningClusterDrill = null;
    db.audit.length = 0;
    db.drillRuns.clear();
  });
  afterEach(() => {
    installOpsBackend(undefined);
    resetRegionDrillState();
  });

  it("refuses an unconfirmed start at the input", () => {
    expect(startRegionFailoverInput.safeParse({ region: "eu" }).success).toBe(false);
    expect(startRegionFailoverInput.safeParse({ region: "eu", confirm: false }).success).toBe(
      false,
    );
    expect(startRegionFailoverInput.safeParse({ region: "EU; drop", confirm: true }).success).toBe(
      false,
    );
  });

  it("keeps the drill's progress in the console while core is down, and its report until core answers again", async () => {
    const fake = install();
    const { id } = await startRegionFailover(ACTOR, failoverInput);
    expect(db.audit).toEqual([
      expect.objectContaining({
        action: "region.failover",
        targetType: "region",
        targetId: "eu",
        details: { id },
      }),
    ]);

    fake.drill.emit({ type: "sync-cost", asyncP50: 44, syncP50: 160 });
    fake.drill.emit({ type: "loss", killed: ["core-1", "core-2", "core-3"] });
    db.up = false; // eu's core is gone: the console's own database with it
    fake.drill.emit({ type: "progress", acked: 300, failed: 12 });
    fake.drill.emit({ type: "detected", ms: 3_200 });
    const live = await regionDrillStatus();
    if (!live.available) throw new Error("expected the drill panel");
    expect(live.failover).toMatchObject({
      id,
      status: "running",
      writes: { acked: 300, failed: 12 },
    });
    expect(live.failover?.phases.find((p) => p.name === "promoted")?.state).toBe("active");

    fake.drill.emit({ type: "promoted", ms: 1_300 });
    fake.drill.emit({ type: "workers-started", ms: 25_000, names: ["workers-sagas-us-1"] });
    fake.drill.end(REPORT);
    await flushed();
    await flushed();
    const done = await regionDrillStatus();
    if (!done.available) throw new Error("expected the drill panel");
    expect(done.failover).toMatchObject({
      status: "passed",
      historyPending: true,
      failover: { rtoMs: 4_700, rpoWrites: 4 },
    });
    expect(done.failover?.phases.every((p) => p.state === "done")).toBe(true);
    expect(done.awaitsFailback).toBe(true);
    // Another console instance reads the same from the record beside the deployment.
    expect(fake.stored()).toMatchObject({ failover: { id, status: "passed" } });
    expect(db.drillRuns.size).toBe(0);
  });

  it("answers CONFLICT while a region drill runs, while us holds core's primary, and while a cluster drill runs", async () => {
    const fake = install();
    await startRegionFailover(ACTOR, failoverInput);
    expect(await codeOf(startRegionFailover(ACTOR, failoverInput))).toBe("CONFLICT");
    expect(await codeOf(startRegionFailback(ACTOR))).toBe("CONFLICT");
    fake.drill.fail(new Error("the us copy of core is not streaming"));
    await flushed();
    await flushed();

    resetRegionDrillState();
    install({ promoted: "us" });
    expect(await codeOf(startRegionFailover(ACTOR, failoverInput))).toBe("CONFLICT");

    // eu lost but us not promoted (the drill failed after the loss): the failback comes first too.
    resetRegionDrillState();
    const lost = install();
    await startRegionFailover(ACTOR, failoverInput);
    lost.drill.emit({ type: "loss", killed: ["core-1"] });
    lost.drill.fail(new Error("core-us-1 still in recovery"));
    await flushed();
    await flushed();
    expect(await codeOf(startRegionFailover(ACTOR, failoverInput))).toBe("CONFLICT");

    resetRegionDrillState();
    install();
    db.runningClusterDrill = { id: "d", cluster: "shard-1" };
    expect(await codeOf(startRegionFailover(ACTOR, failoverInput))).toBe("CONFLICT");
    expect(db.audit).toHaveLength(2); // only the two starts that went ahead were audited
  });

  it("answers PRECONDITION_FAILED with one region, BAD_REQUEST for a region not holding core's primary", async () => {
    install({ regions: 1 });
    expect(await codeOf(startRegionFailover(ACTOR, failoverInput))).toBe("PRECONDITION_FAILED");
    resetRegionDrillState();
    install();
    expect(
      await codeOf(
        startRegionFailover(ACTOR, startRegionFailoverInput.parse({ region: "us", confirm: true })),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        startRegionFailover(ACTOR, startRegionFailoverInput.parse({ region: "ap", confirm: true })),
      ),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(startRegionFailback(ACTOR))).toBe("PRECONDITION_FAILED");
  });

  it("a failback with core down: progress by steps, then the audit entry and the drill's row written once eu's core answers", async () => {
    const fake = install();
    const { id: drillRunId } = await startRegionFailover(ACTOR, failoverInput);
    fake.drill.emit({ type: "loss", killed: ["core-1"] });
    db.up = false;
    fake.drill.end(REPORT);
    await flushed();
    await flushed();
    fake.setPromoted("us");

    const { id } = await startRegionFailback(ACTOR);
    expect(db.audit).toHaveLength(1); // the failover's; the failback's waits for core
    fake.back.step("us-stopped");
    const live = await regionDrillStatus();
    if (!live.available) throw new Error("expected the drill panel");
    expect(live.failback).toMatchObject({ id, status: "running" });
    expect(live.failback?.phases.map((p) => p.state)).toEqual([
      "done",
      "active",
      "pending",
      "pending",
      "pending",
    ]);

    fake.back.step("eu-core-ready");
    db.up = true; // eu's core elected a leader: the console's database is back
    fake.back.step("standby-rebuilt");
    fake.back.step("eu-processes-started");
    fake.setPromoted(null);
    fake.back.end({
      discarded: { orders: 3, drillWrites: 900 },
      euPrimary: "core-2",
      standbyRebuiltMs: 10_600,
      totalMs: 93_000,
    });
    for (let i = 0; i < 5; i++) await flushed();

    expect(db.audit.map((a) => a.action)).toEqual(["region.failover", "region.failback"]);
    expect(db.drillRuns.get(REPORT.drill_id)).toMatchObject({
      cluster: "region-eu",
      status: "passed",
      actorUserId: ACTOR,
    });
    const after = await regionDrillStatus();
    if (!after.available) throw new Error("expected the drill panel");
    expect(after.failback).toMatchObject({
      status: "passed",
      historyPending: false,
      failback: { euPrimary: "core-2" },
    });
    expect(after.failover).toMatchObject({ historyPending: false });
    expect(after.awaitsFailback).toBe(false);
    expect(drillRunId).not.toBe(REPORT.drill_id); // the row carries the drill's own id, as its runner writes it
  });
});
