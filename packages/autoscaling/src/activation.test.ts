import { describe, expect, it } from "vitest";
import { type ActivationState, activation, reconcilePool } from "./activation.ts";
import { type AutoscalerMemory, EMPTY_MEMORY } from "./horizontal.ts";
import { type ActivationPolicy, DEFAULT_BEHAVIOR, type HorizontalPolicy } from "./policy.ts";

const hpa: HorizontalPolicy = {
  minReplicas: 0,
  maxReplicas: 10,
  behavior: DEFAULT_BEHAVIOR,
  metrics: [
    { kind: "external-average", name: "wait", targetAverageValue: 5, activationThreshold: 0 },
    { kind: "external-value", name: "oldest", targetValue: 60, activationThreshold: 30 },
  ],
};
const keda: ActivationPolicy = {
  minReplicaCount: 0,
  cooldownPeriodSeconds: 300,
  pollingIntervalSeconds: 15,
};
const total = (value: number) => ({ kind: "total" as const, value });

describe("KEDA activation", () => {
  it("is active when any trigger is strictly above its activation threshold", () => {
    expect(activation(hpa.metrics as never, { wait: total(0), oldest: total(30) })).toEqual({
      active: false,
      errored: false,
    });
    expect(activation(hpa.metrics as never, { wait: total(1), oldest: total(0) })).toEqual({
      active: true,
    });
    expect(activation(hpa.metrics as never, { wait: total(0), oldest: total(31) })).toEqual({
      active: true,
    });
    expect(activation(hpa.metrics as never, {})).toEqual({ active: false, errored: true });
  });
});

describe("reconcilePool (KEDA's executor, then the HPA it generated)", () => {
  const step = (
    current: number,
    readings: Record<string, ReturnType<typeof total>>,
    atSeconds: number,
    state: ActivationState = {},
    memory: AutoscalerMemory = EMPTY_MEMORY,
  ) =>
    reconcilePool(hpa, keda, memory, state, {
      currentReplicas: current,
      readings,
      now: atSeconds * 1000,
    });

  it("wakes a sleeping pool to one replica on its first waiting job", () => {
    expect(step(0, { wait: total(1), oldest: total(0) }, 0)).toMatchObject({
      desiredReplicas: 1,
      by: "keda",
      state: { lastActiveAt: 0 },
    });
  });

  it("leaves a sleeping pool asleep while nothing is above the activation thresholds", () => {
    expect(step(0, { wait: total(0), oldest: total(10) }, 0)).toMatchObject({
      desiredReplicas: 0,
      by: "keda",
    });
  });

  it("hands an awake pool to the HPA (1 → ceil(40 / 5) = 8, capped by the scale-up policy at 5)", () => {
    expect(step(1, { wait: total(40), oldest: total(0) }, 0)).toMatchObject({
      desiredReplicas: 5,
      by: "hpa",
    });
  });

  it("keeps one replica through the cooldown, then goes back to zero", () => {
    const idle = { wait: total(0), oldest: total(0) };
    expect(step(1, idle, 200, { lastActiveAt: 0 })).toMatchObject({
      desiredReplicas: 1,
      by: "hpa",
    });
    expect(step(1, idle, 301, { lastActiveAt: 0 })).toMatchObject({
      desiredReplicas: 0,
      by: "keda",
    });
  });

  it("does not put a pool to sleep when its triggers cannot be read", () => {
    expect(step(2, {}, 1000, { lastActiveAt: 0 })).toMatchObject({
      desiredReplicas: 2,
      reason: "metrics-unavailable",
    });
  });

  it("never sleeps a pool whose minReplicaCount is above zero", () => {
    const d = reconcilePool(
      hpa,
      { ...keda, minReplicaCount: 1 },
      EMPTY_MEMORY,
      {},
      {
        currentReplicas: 1,
        readings: { wait: total(0), oldest: total(0) },
        now: 10_000_000,
      },
    );
    expect(d.desiredReplicas).toBe(1);
  });
});
