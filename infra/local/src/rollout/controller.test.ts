import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceInstance } from "@agora/registry";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { metricSchema } from "./analysis.ts";
import { type ReleasePlatform, RolloutController, RolloutRefusedError } from "./controller.ts";
import { readTrafficSplit, releaseSpecSchema, requestRolloutAction, type RolloutStep, type TrafficSplit } from "./rollout-state.ts";
import type { InstanceCounters } from "./version-metrics.ts";

/** A deployment in memory: instances by version, and the error share each version serves. */
function fakePlatform(dir: string, errorShare: Record<string, number>, missing: string[] = [], latencyS: Record<string, number> = {}, callsPerScrape = 100) {
  const members: ServiceInstance[] = [
    { service: "storefront", instanceId: "storefront-1", address: "h:1", version: "v1", region: "eu", ready: true, registeredAt: "2026-12-05T00:00:00.000Z" },
  ];
  const calls = new Map<string, number>();
  const splits: TrafficSplit[] = [];
  const stopped: string[] = [];
  const p: ReleasePlatform = {
    stateDir: dir,
    members: async () => members,
    startInstances: async (release, count) =>
      Array.from({ length: count }, (_, i) => {
        const name = `storefront-${101 + i}`;
        members.push({ ...members[0]!, instanceId: name, address: `h:${101 + i}`, version: release.version });
        return { name, port: 101 + i };
      }),
    stopInstance: async (name) => {
      stopped.push(name);
      members.splice(members.findIndex((m) => m.instanceId === name), 1);
    },
    replaceStable: async (release) => {
      members[0] = { ...members[0]!, version: release.version };
    },
    applySplit: async (s) => void splits.push(s),
    // Every scrape: `callsPerScrape` more calls per instance, the version's share of them server errors.
    scrape: async (addresses) =>
      new Map<string, InstanceCounters>(
        addresses.map((a) => {
          const n = (calls.get(a) ?? 0) + callsPerScrape;
          calls.set(a, n);
          const version = members.find((m) => m.address === a)?.version ?? "";
          return [a, { requests: n, serverErrors: Math.round(n * (errorShare[version] ?? 0)), buckets: new Map([[latencyS[version] ?? 0.05, n], [Infinity, n]]) }];
        }),
      ),
    missingMigrations: async () => missing,
    log: () => {},
  };
  return { p, members, splits, stopped };
}

const errorRate = metricSchema.parse({
  name: "error-rate",
  successCondition: { op: "<", value: 0.02 },
  failureCondition: { op: ">=", value: 0.05 },
  count: 2,
  intervalMs: 100,
});
const steps: RolloutStep[] = [
  { kind: "setWeight", weight: 10 },
  { kind: "analysis", metrics: [errorRate] },
  { kind: "setWeight", weight: 100 },
  { kind: "analysis", metrics: [errorRate] },
];
const spec = (next: string, extra: Partial<Parameters<typeof releaseSpecSchema.parse>[0]> = {}) => ({
  strategy: "canary" as const,
  stable: releaseSpecSchema.parse({ version: "v1" }),
  next: releaseSpecSchema.parse({ version: next, ...extra }),
  steps,
  pollMs: 20,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "agora-rollout-unit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const relativeP95 = metricSchema.parse({
  name: "p95-vs-stable",
  successCondition: { op: "<", value: 2 },
  failureCondition: { op: ">=", value: 3 },
  count: 2,
  intervalMs: 100,
  failureLimit: 0,
});

describe("RolloutController", () => {
  it("gives the canary as many instances as keep each at no more calls than a stable one, before the weight moves", async () => {
    const f = fakePlatform(dir, {});
    f.members.push({ ...f.members[0]!, instanceId: "storefront-2", address: "h:2" }, { ...f.members[0]!, instanceId: "storefront-3", address: "h:3" });
    const canaryCounts: number[] = [];
    const applySplit = f.p.applySplit;
    f.p.applySplit = async (split) => {
      canaryCounts.push(f.members.filter((m) => m.version === "v2").length);
      return applySplit(split);
    };
    const scaleSteps: RolloutStep[] = [
      { kind: "setWeight", weight: 10 },
      { kind: "setWeight", weight: 50 },
      { kind: "setWeight", weight: 100 },
    ];
    const s = await new RolloutController(f.p, { ...spec("v2"), steps: scaleSteps }).run();
    expect(s.phase).toBe("Healthy");
    // weight 0 (start), 10 % → 1 (a third of a stable instance's calls), 50 % → 3 (as many as
    // stable: each gets a sixth of the traffic), 100 % → 3; then the final split.
    expect(canaryCounts.slice(0, 4)).toEqual([0, 1, 3, 3]);
  });

  it("judges latency against the stable version: both slow together passes, a canary 4x slower than stable fails", async () => {
    const latencySteps: RolloutStep[] = [
      { kind: "setWeight", weight: 10 },
      { kind: "analysis", metrics: [relativeP95] },
      // At 100 % stable serves nothing: the canary is judged against stable's last measured p95.
      { kind: "setWeight", weight: 100 },
      { kind: "analysis", metrics: [relativeP95] },
    ];
    // A busy box: stable answers in 1.5 s, the canary in 1.8 s — slow, but no slower than stable.
    const busy = fakePlatform(dir, {}, [], { v1: 1.5, v2: 1.8 });
    const ok = await new RolloutController(busy.p, { ...spec("v2"), steps: latencySteps }).run();
    expect(ok.phase).toBe("Healthy");
    const slow = fakePlatform(dir, {}, [], { v1: 0.2, v3: 0.8 });
    const bad = await new RolloutController(slow.p, { ...spec("v3"), steps: latencySteps }).run();
    expect(bad.phase).toBe("Degraded");
    expect(bad.events.map((e) => e.message).join("\n")).toMatch(/p95-vs-stable=4\.00x stable/);
  });

  it("compares latency only over enough canary calls: a thin interval's calls carry over to the next comparison", async () => {
    const steps1: RolloutStep[] = [
      { kind: "setWeight", weight: 10 },
      { kind: "analysis", metrics: [relativeP95] },
    ];
    // 8 calls per interval: no p95 of 8 or 16 calls is taken, the third interval compares 24.
    const thin = fakePlatform(dir, {}, [], { v1: 0.05, v2: 0.05 }, 8);
    const s = await new RolloutController(thin.p, { ...spec("v2"), steps: steps1 }).run();
    expect(s.phase).toBe("Healthy");
    const m = s.analysisRuns[0]!.metrics[0]!.measurements;
    expect(m.map((x) => [x.requests, x.phase])).toEqual([
      [8, "Error"],
      [16, "Error"],
      [24, "Successful"],
      [8, "Error"],
      [16, "Error"],
      [24, "Successful"],
    ]);
    expect(m[0]!.message).toBe("no data: 8 calls since the last measurement");
  });

  it("promotes a healthy canary step by step and makes it the stable release", async () => {
    const f = fakePlatform(dir, { v2: 0 });
    const s = await new RolloutController(f.p, spec("v2")).run();
    expect(s.phase).toBe("Healthy");
    expect(f.splits.map((x) => x.canaryWeight)).toEqual([0, 10, 100, 0]);
    expect(readTrafficSplit(dir)).toEqual({ stableVersion: "v2", canaryWeight: 0 });
    expect(f.members.map((m) => m.version)).toEqual(["v2"]);
    expect(f.stopped).toEqual(["storefront-101"]);
  });

  it("aborts on a failed analysis: weight back to 0 and the canary stopped, no person involved", async () => {
    const f = fakePlatform(dir, { "v2-bad": 0.2 });
    const s = await new RolloutController(f.p, spec("v2-bad")).run();
    expect(s.phase).toBe("Degraded");
    expect(s.analysisRuns[0]?.phase).toBe("Failed");
    expect(f.splits.map((x) => x.canaryWeight)).toEqual([0, 10, 0]);
    expect(f.stopped).toEqual(["storefront-101"]);
    expect(f.members.map((m) => m.version)).toEqual(["v1"]);
    expect(s.rollbackMs).toBeGreaterThanOrEqual(0);
  });

  it("pauses on an inconclusive analysis and goes on when an operator promotes", async () => {
    const f = fakePlatform(dir, { v2: 0.03 });
    const c = new RolloutController(f.p, spec("v2"));
    const done = c.run();
    while (c.state.phase !== "Paused") await new Promise((r) => setTimeout(r, 10));
    requestRolloutAction(dir, c.state.id, "promote", "test");
    // The second analysis is inconclusive too: promote again.
    while (c.state.stepIndex < 3 || c.state.phase !== "Paused") await new Promise((r) => setTimeout(r, 10));
    requestRolloutAction(dir, c.state.id, "promote", "test");
    const s = await done;
    expect(s.phase).toBe("Healthy");
    expect(s.analysisRuns.map((r) => r.phase)).toEqual(["Inconclusive", "Inconclusive"]);
  });

  it("an operator's abort during a pause rolls back", async () => {
    const f = fakePlatform(dir, { v2: 0.03 });
    const c = new RolloutController(f.p, spec("v2"));
    const done = c.run();
    while (c.state.phase !== "Paused") await new Promise((r) => setTimeout(r, 10));
    requestRolloutAction(dir, c.state.id, "abort", "test");
    const s = await done;
    expect(s.phase).toBe("Degraded");
    expect(s.message).toMatch(/aborted by operator/);
    expect(f.splits.at(-1)?.canaryWeight).toBe(0);
  });

  it("refuses a release whose required migration is not applied, before starting anything", async () => {
    const f = fakePlatform(dir, { v3: 0 }, ["0026"]);
    const c = new RolloutController(f.p, spec("v3", { requiresMigrations: ["0026"] }));
    await expect(c.run()).rejects.toBeInstanceOf(RolloutRefusedError);
    expect(c.state.phase).toBe("Degraded");
    expect(c.state.message).toMatch(/0026/);
    expect(f.splits).toEqual([]);
    expect(f.members).toHaveLength(1);
  });
});
