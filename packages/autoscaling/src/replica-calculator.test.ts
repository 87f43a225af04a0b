import { describe, expect, it } from "vitest";
import type { MetricSpec } from "./policy.ts";
import { type PodSample, MetricUnavailableError, proposeReplicas } from "./replica-calculator.ts";

const cpu = (targetUtilizationPercent: number): MetricSpec => ({
  kind: "resource-utilization",
  name: "cpu",
  targetUtilizationPercent,
});
/** Pods with 1000m requests (as upstream's replica_calculator_test.go uses), `undefined` = missing. */
const pods = (levels: (number | undefined)[], ready?: boolean[]) => ({
  kind: "per-pod" as const,
  samples: levels.map((value, i): PodSample => ({
    pod: `p${i}`,
    ready: ready?.[i] ?? true,
    value,
    request: 1000,
  })),
});
const inFlight: MetricSpec = { kind: "pods-average", name: "in-flight", targetAverageValue: 10 };
const backlog: MetricSpec = {
  kind: "external-average",
  name: "backlog",
  targetAverageValue: 50,
  activationThreshold: 0,
};
const oldestAge: MetricSpec = {
  kind: "external-value",
  name: "oldest",
  targetValue: 30,
  activationThreshold: 0,
};

describe("the HPA algorithm (docs: desired = ceil(current × metric / target))", () => {
  it("doubles the replicas when the metric is twice the target (docs: 200m vs 100m)", () => {
    expect(
      proposeReplicas(inFlight, 2, {
        kind: "per-pod",
        samples: [
          { pod: "a", ready: true, value: 20 },
          { pod: "b", ready: true, value: 20 },
        ],
      }),
    ).toBe(4);
  });

  it("halves the replicas when the metric is half the target (docs: 50m vs 100m)", () => {
    expect(proposeReplicas(cpu(50), 4, pods([250, 250, 250, 250]))).toBe(2);
  });

  it("does nothing inside the 10 % tolerance and moves just outside it", () => {
    expect(proposeReplicas(cpu(50), 4, pods([540, 540, 540, 540]))).toBe(4); // ratio 1.08
    // 55 % / 50 % = 1.1, and |1 - 1.1| is 0.1000…09 in float64: upstream scales here too.
    expect(proposeReplicas(cpu(50), 4, pods([550, 550, 550, 550]))).toBe(5);
    expect(proposeReplicas(cpu(50), 4, pods([559, 559, 559, 559]))).toBe(5); // 55 % (truncated)
    expect(proposeReplicas(cpu(50), 4, pods([450, 450, 450, 450]))).toBe(4); // ratio 0.9
    expect(proposeReplicas(cpu(50), 4, pods([440, 440, 440, 440]))).toBe(4); // ceil(3.52)
    expect(proposeReplicas(cpu(50), 4, pods([370, 370, 370, 370]))).toBe(3); // ceil(2.96)
  });

  it("computes utilisation as total usage over total requests, like GetResourceUtilizationRatio", () => {
    const reading = {
      kind: "per-pod" as const,
      samples: [
        { pod: "a", ready: true, value: 900, request: 1000 },
        { pod: "b", ready: true, value: 100, request: 3000 },
      ],
    };
    // 1000 / 4000 = 25 % against 50 % → ratio 0.5 → ceil(0.5 × 2) = 1.
    expect(proposeReplicas(cpu(50), 2, reading)).toBe(1);
  });
});

describe("missing and unready pods (replica_calculator.go's conservative rebalance)", () => {
  it("on a scale-up assumes a pod without metrics uses 0 % (MissingMetricsScaleUp: 3 → 4)", () => {
    // Known pods: 200 % of a 100 % target; the missing third one counted as idle: 4000/3000.
    expect(proposeReplicas(cpu(100), 3, pods([2000, 2000, undefined]))).toBe(4);
  });

  it("on a scale-down assumes a pod without metrics runs exactly at target", () => {
    // Known pods at 20 % of target; the missing one at 100 %: (600 + 1000) / 4000 = 0.4 → ceil(1.6) = 2.
    expect(proposeReplicas(cpu(100), 4, pods([400, 95, 105, undefined]))).toBe(2);
  });

  it("keeps the count when missing pods would flip the direction (MissingMetricsNoChange)", () => {
    expect(proposeReplicas(cpu(100), 2, pods([1000, undefined]))).toBe(2);
    // 110 % on the known pod → scale up; the missing one at 0 % makes it 55 % → a scale-down: no.
    expect(proposeReplicas(cpu(100), 2, pods([1150, undefined]))).toBe(2);
  });

  it("counts unready pods as idle on a scale-up (ScaleUpUnreadyLessScale: 3 → 4)", () => {
    expect(proposeReplicas(cpu(30), 3, pods([300, 500, 700], [false, true, true]))).toBe(4);
  });

  it("does not scale up when the unready pods as idle would reverse it (ScaleUpUnreadyNoScale)", () => {
    expect(proposeReplicas(cpu(30), 3, pods([400, 500, 700], [false, true, false]))).toBe(3);
  });

  it("leaves unready pods out of a scale-down (ScaleDownIncludeUnreadyPods: 5 → 2)", () => {
    expect(
      proposeReplicas(
        cpu(50),
        5,
        pods([100, 300, 500, 250, 250], [true, true, true, false, false]),
      ),
    ).toBe(2);
  });

  it("counts unready pods for a Pods metric (only Resource metrics set them aside)", () => {
    const reading = {
      kind: "per-pod" as const,
      samples: [
        { pod: "a", ready: false, value: 30 },
        { pod: "b", ready: true, value: 30 },
      ],
    };
    expect(proposeReplicas(inFlight, 2, reading)).toBe(6);
  });

  it("refuses a reading with no sample at all", () => {
    expect(() => proposeReplicas(cpu(50), 2, pods([undefined, undefined]))).toThrow(
      MetricUnavailableError,
    );
    expect(() => proposeReplicas(cpu(50), 2, undefined)).toThrow(MetricUnavailableError);
  });
});

describe("external metrics (what KEDA triggers become)", () => {
  it("AverageValue: replicas = ceil(total / per-pod target), whatever runs now", () => {
    expect(proposeReplicas(backlog, 3, { kind: "total", value: 1000 })).toBe(20);
    expect(proposeReplicas(backlog, 3, { kind: "total", value: 0 })).toBe(0);
  });

  it("AverageValue: inside the tolerance of what the current pods absorb, no change", () => {
    expect(proposeReplicas(backlog, 4, { kind: "total", value: 210 })).toBe(4); // 210/200 = 1.05
  });

  it("Value: the ready pods scaled by metric / target", () => {
    expect(proposeReplicas(oldestAge, 2, { kind: "total", value: 90 }, { readyPods: 2 })).toBe(6);
    expect(proposeReplicas(oldestAge, 2, { kind: "total", value: 90 }, { readyPods: 1 })).toBe(3);
    expect(proposeReplicas(oldestAge, 0, { kind: "total", value: 45 })).toBe(2);
  });
});
