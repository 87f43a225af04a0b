import { describe, expect, it } from "vitest";
import {
  addMeasurement,
  type AnalysisMetric,
  assessMetric,
  assessRun,
  emptyResult,
  evaluateMeasurement,
  type MeasurementPhase,
  metricSchema,
  rolloutAction,
} from "./analysis.ts";

const metric = (over: Partial<AnalysisMetric> = {}): AnalysisMetric => metricSchema.parse({ name: "error-rate", ...over });
const run = (m: AnalysisMetric, phases: MeasurementPhase[]) => assessMetric(m, phases.reduce(addMeasurement, emptyResult()));

// The cases follow Argo Rollouts' own tests of EvaluateResult (utils/evaluate/evaluate_test.go)
// and assessMetricStatus (analysis/analysis_test.go), with conditions as data.
describe("evaluateMeasurement (Argo EvaluateResult)", () => {
  const lt = { op: "<", value: 0.05 } as const;
  const ge = { op: ">=", value: 0.1 } as const;
  it("is Successful without any condition", () => {
    expect(evaluateMeasurement({}, 0.9)).toBe("Successful");
  });
  it("with only a successCondition, not meeting it is Failed", () => {
    expect(evaluateMeasurement({ successCondition: lt }, 0.01)).toBe("Successful");
    expect(evaluateMeasurement({ successCondition: lt }, 0.2)).toBe("Failed");
  });
  it("with only a failureCondition, not meeting it is Successful", () => {
    expect(evaluateMeasurement({ failureCondition: ge }, 0.01)).toBe("Successful");
    expect(evaluateMeasurement({ failureCondition: ge }, 0.2)).toBe("Failed");
  });
  it("with both, neither met is Inconclusive and a met failureCondition wins", () => {
    expect(evaluateMeasurement({ successCondition: lt, failureCondition: ge }, 0.07)).toBe("Inconclusive");
    expect(evaluateMeasurement({ successCondition: lt, failureCondition: ge }, 0.01)).toBe("Successful");
    expect(evaluateMeasurement({ successCondition: { op: "<", value: 1 }, failureCondition: ge }, 0.5)).toBe("Failed");
  });
  it("no data from the provider is an Error, not a pass", () => {
    expect(evaluateMeasurement({ successCondition: lt }, undefined)).toBe("Error");
    expect(evaluateMeasurement({ successCondition: lt }, Number.NaN)).toBe("Error");
  });
});

describe("assessMetric (Argo assessMetricStatus)", () => {
  it("is Pending before any measurement and Running until count is reached", () => {
    expect(run(metric({ count: 3 }), []).phase).toBe("Pending");
    expect(run(metric({ count: 3 }), ["Successful"]).phase).toBe("Running");
    expect(run(metric({ count: 3 }), ["Successful", "Successful", "Successful"]).phase).toBe("Successful");
  });
  it("fails once failed > failureLimit (default 0: the first failure)", () => {
    expect(run(metric(), ["Successful", "Failed"])).toEqual({ phase: "Failed", reason: "failed (1) > failureLimit (0)" });
  });
  it("tolerates failures up to failureLimit and succeeds at count", () => {
    expect(run(metric({ count: 3, failureLimit: 1 }), ["Failed", "Successful", "Successful"]).phase).toBe("Successful");
    expect(run(metric({ count: 4, failureLimit: 1 }), ["Failed", "Successful", "Failed"]).phase).toBe("Failed");
  });
  it("a negative failureLimit never fails", () => {
    expect(run(metric({ count: 2, failureLimit: -1 }), ["Failed", "Failed"]).phase).toBe("Successful");
  });
  it("is Inconclusive once inconclusive > inconclusiveLimit", () => {
    expect(run(metric({ count: 5 }), ["Inconclusive"]).phase).toBe("Inconclusive");
    expect(run(metric({ count: 3, inconclusiveLimit: 1 }), ["Inconclusive", "Successful"]).phase).toBe("Running");
  });
  it("errors only end the run after more than consecutiveErrorLimit in a row (default 4), and do not count", () => {
    expect(run(metric({ count: 2 }), ["Error", "Error", "Error", "Error"]).phase).toBe("Running");
    expect(run(metric({ count: 2 }), ["Error", "Error", "Error", "Error", "Error"])).toEqual({
      phase: "Error",
      reason: "consecutiveErrors (5) > consecutiveErrorLimit (4)",
    });
    expect(run(metric({ count: 2, consecutiveErrorLimit: 1 }), ["Error", "Successful", "Error", "Successful"]).phase).toBe("Successful");
  });
  it("with consecutiveSuccessLimit, succeeds as soon as it is reached and is Inconclusive at count otherwise", () => {
    expect(run(metric({ count: 5, consecutiveSuccessLimit: 2, failureLimit: 3 }), ["Successful", "Successful"]).phase).toBe("Successful");
    expect(run(metric({ count: 3, consecutiveSuccessLimit: 2, failureLimit: 3 }), ["Successful", "Failed", "Successful"]).phase).toBe(
      "Inconclusive",
    );
    expect(run(metric({ count: 3, consecutiveSuccessLimit: 2, failureLimit: -1 }), ["Successful", "Failed", "Successful"]).phase).toBe(
      "Failed",
    );
  });
});

describe("assessRun and the rollout's action", () => {
  it("a run is its worst metric: Failed > Error > Inconclusive > Pending > Running > Successful", () => {
    expect(assessRun(["Successful", "Running"])).toBe("Running");
    expect(assessRun(["Inconclusive", "Successful"])).toBe("Inconclusive");
    expect(assessRun(["Error", "Inconclusive"])).toBe("Error");
    expect(assessRun(["Error", "Failed"])).toBe("Failed");
    expect(assessRun([])).toBe("Successful");
  });
  it("aborts on Failed or Error, pauses on Inconclusive, continues on Successful", () => {
    expect(rolloutAction("Failed")).toBe("abort");
    expect(rolloutAction("Error")).toBe("abort");
    expect(rolloutAction("Inconclusive")).toBe("pause");
    expect(rolloutAction("Successful")).toBe("continue");
    expect(rolloutAction("Running")).toBe("wait");
  });
});
