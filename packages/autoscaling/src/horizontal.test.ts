import { describe, expect, it } from "vitest";
import {
  type AutoscalerMemory,
  EMPTY_MEMORY,
  type ReconcileInput,
  reconcileHorizontal,
} from "./horizontal.ts";
import { DEFAULT_BEHAVIOR, type HorizontalPolicy, type MetricSpec } from "./policy.ts";

const load: MetricSpec = {
  kind: "external-average",
  name: "load",
  targetAverageValue: 1,
  activationThreshold: 0,
};
const cpu: MetricSpec = { kind: "resource-utilization", name: "cpu", targetUtilizationPercent: 50 };

const policy = (over: Partial<HorizontalPolicy> = {}): HorizontalPolicy => ({
  minReplicas: 1,
  maxReplicas: 100,
  metrics: [load],
  behavior: DEFAULT_BEHAVIOR,
  ...over,
});
/** A load that asks for exactly `replicas` (AverageValue target 1). */
const wants = (replicas: number) => ({ load: { kind: "total" as const, value: replicas } });

/** Replays reconciles, applying each decision as the scale subresource would. */
function run(
  p: HorizontalPolicy,
  start: number,
  steps: { atSeconds: number; readings: ReconcileInput["readings"] }[],
) {
  let memory: AutoscalerMemory = EMPTY_MEMORY;
  let current = start;
  return steps.map((s) => {
    const d = reconcileHorizontal(p, memory, {
      currentReplicas: current,
      readings: s.readings,
      now: s.atSeconds * 1000,
    });
    memory = d.memory;
    current = d.desiredReplicas;
    return { replicas: current, reason: d.reason };
  });
}

describe("reconcileHorizontal (horizontal.go)", () => {
  it("takes the largest proposal over the metrics", () => {
    const p = policy({ metrics: [load, cpu] });
    const d = reconcileHorizontal(p, EMPTY_MEMORY, {
      currentReplicas: 2,
      now: 0,
      readings: {
        ...wants(3),
        cpu: {
          kind: "per-pod",
          samples: [
            { pod: "a", ready: true, value: 900, request: 1000 },
            { pod: "b", ready: true, value: 900, request: 1000 },
          ],
        },
      },
    });
    expect(d.proposals).toEqual({ load: 3, cpu: 4 });
    expect(d.desiredReplicas).toBe(4);
  });

  it("scales on the metrics it has when the others are missing and the move is up", () => {
    const d = reconcileHorizontal(policy({ metrics: [load, cpu] }), EMPTY_MEMORY, {
      currentReplicas: 2,
      now: 0,
      readings: wants(3),
    });
    expect(d.desiredReplicas).toBe(3);
  });

  it("refuses to scale down when a metric is missing (computeReplicasForMetrics)", () => {
    const d = reconcileHorizontal(policy({ metrics: [load, cpu] }), EMPTY_MEMORY, {
      currentReplicas: 4,
      now: 0,
      readings: wants(1),
    });
    expect(d).toMatchObject({ desiredReplicas: 4, reason: "metrics-unavailable" });
  });

  it("changes nothing and remembers nothing when every metric is missing", () => {
    const d = reconcileHorizontal(policy(), EMPTY_MEMORY, {
      currentReplicas: 4,
      now: 0,
      readings: {},
    });
    expect(d).toMatchObject({
      desiredReplicas: 4,
      reason: "metrics-unavailable",
      memory: EMPTY_MEMORY,
    });
  });

  it("brings a target back within min/max before looking at metrics", () => {
    const p = policy({ minReplicas: 2, maxReplicas: 5 });
    expect(
      reconcileHorizontal(p, EMPTY_MEMORY, { currentReplicas: 9, now: 0, readings: {} }),
    ).toMatchObject({ desiredReplicas: 5, reason: "above-max" });
    expect(
      reconcileHorizontal(p, EMPTY_MEMORY, { currentReplicas: 1, now: 0, readings: {} }),
    ).toMatchObject({ desiredReplicas: 2, reason: "below-min" });
  });

  it("treats a target scaled to 0 by hand as autoscaling switched off", () => {
    expect(
      reconcileHorizontal(policy(), EMPTY_MEMORY, {
        currentReplicas: 0,
        now: 0,
        readings: wants(10),
      }),
    ).toMatchObject({ desiredReplicas: 0, reason: "scaling-disabled" });
  });

  it("clamps the proposal to maxReplicas", () => {
    const d = reconcileHorizontal(policy({ maxReplicas: 3 }), EMPTY_MEMORY, {
      currentReplicas: 2,
      now: 0,
      readings: wants(50),
    });
    expect(d).toMatchObject({ desiredReplicas: 3, reason: "too-many-replicas" });
  });
});

describe("default behavior (docs: double or add 4 pods per 15 s; down after 300 s)", () => {
  it("adds max(4 pods, 100 %) per 15 s period, counting what this period already added", () => {
    const steps = run(policy(), 1, [
      { atSeconds: 0, readings: wants(40) },
      { atSeconds: 5, readings: wants(40) },
      { atSeconds: 16, readings: wants(40) },
      { atSeconds: 32, readings: wants(40) },
      { atSeconds: 48, readings: wants(40) },
    ]);
    expect(steps.map((s) => s.replicas)).toEqual([5, 5, 10, 20, 40]);
    expect(steps[0]?.reason).toBe("scale-up-limit");
  });

  it("holds a scale-down for the 300 s window (the max of its recommendations), then drops at once", () => {
    const steps = run(policy(), 10, [
      { atSeconds: 0, readings: wants(10) },
      { atSeconds: 60, readings: wants(2) },
      { atSeconds: 299, readings: wants(2) },
      { atSeconds: 301, readings: wants(2) },
    ]);
    expect(steps.map((s) => s.replicas)).toEqual([10, 10, 10, 2]);
    expect(steps[1]?.reason).toBe("scale-down-stabilized");
  });

  it("follows a dip only as far as the highest recommendation in the window", () => {
    const steps = run(policy(), 10, [
      { atSeconds: 0, readings: wants(10) },
      { atSeconds: 100, readings: wants(6) },
      { atSeconds: 200, readings: wants(2) },
      { atSeconds: 301, readings: wants(2) },
      { atSeconds: 401, readings: wants(2) },
    ]);
    expect(steps.map((s) => s.replicas)).toEqual([10, 10, 10, 6, 2]);
  });
});

describe("behavior policies (docs' examples)", () => {
  // docs: "scaleDown: policies: Pods 4/60s, Percent 10/60s" with selectPolicy Max.
  const docsScaleDown: HorizontalPolicy["behavior"] = {
    scaleUp: DEFAULT_BEHAVIOR.scaleUp,
    scaleDown: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 60 },
        { type: "Percent", value: 10, periodSeconds: 60 },
      ],
    },
  };

  it("80 → 10: removes 8, then 8 (10 % of 72 rounded up), then 4 at a time below 40", () => {
    const minute = (n: number) => ({ atSeconds: n * 61, readings: wants(10) });
    const steps = run(
      policy({ behavior: docsScaleDown }),
      80,
      [0, 1, 2, 3, 4, 5, 6, 7].map(minute),
    );
    expect(steps.map((s) => s.replicas)).toEqual([72, 64, 57, 51, 45, 40, 36, 32]);
    expect(steps[0]?.reason).toBe("scale-down-limit");
  });

  it("selectPolicy Min picks the smaller step", () => {
    const p = policy({
      behavior: {
        ...docsScaleDown,
        scaleDown: { ...docsScaleDown.scaleDown, selectPolicy: "Min" },
      },
    });
    expect(run(p, 80, [{ atSeconds: 0, readings: wants(10) }])[0]?.replicas).toBe(76);
  });

  it("selectPolicy Disabled never scales in that direction", () => {
    const p = policy({
      behavior: {
        ...docsScaleDown,
        scaleDown: { ...docsScaleDown.scaleDown, selectPolicy: "Disabled" },
      },
    });
    expect(run(p, 80, [{ atSeconds: 0, readings: wants(10) }])[0]).toEqual({
      replicas: 80,
      reason: "scale-down-limit",
    });
    expect(run(p, 8, [{ atSeconds: 0, readings: wants(12) }])[0]?.replicas).toBe(12);
  });

  it("a scale-up stabilisation window takes the lowest recommendation in it", () => {
    const p = policy({
      behavior: {
        ...DEFAULT_BEHAVIOR,
        scaleUp: { ...DEFAULT_BEHAVIOR.scaleUp, stabilizationWindowSeconds: 60 },
      },
    });
    const steps = run(p, 2, [
      { atSeconds: 0, readings: wants(2) },
      { atSeconds: 20, readings: wants(6) },
      { atSeconds: 40, readings: wants(6) },
      { atSeconds: 61, readings: wants(6) },
    ]);
    expect(steps.map((s) => s.replicas)).toEqual([2, 2, 2, 6]);
    expect(steps[1]?.reason).toBe("scale-up-stabilized");
  });

  it("a scale-down in the period gives back scale-up room (periodStart counts both directions)", () => {
    const p = policy({
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [{ type: "Pods", value: 2, periodSeconds: 60 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [{ type: "Pods", value: 2, periodSeconds: 60 }],
        },
      },
    });
    const steps = run(p, 10, [
      { atSeconds: 0, readings: wants(8) },
      { atSeconds: 10, readings: wants(20) },
    ]);
    // Period start for the scale-up is 8 + 2 removed = 10, so at most 12.
    expect(steps.map((s) => s.replicas)).toEqual([8, 12]);
  });
});
