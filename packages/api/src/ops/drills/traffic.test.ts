import { describe, expect, it } from "vitest";
import { summarizeTraffic, type TrafficSample } from "./traffic.ts";

const s = (at: number, ms: number, ok = true, error?: string): TrafficSample => ({
  at,
  ms,
  ok,
  error,
});

describe("drill traffic summary", () => {
  it("splits attempts into before, during and after the window without a writable primary", () => {
    const samples = [
      s(0, 10),
      s(50, 20),
      s(100, 900, false, "db down"),
      s(150, 5, false, "db down"),
      s(300, 30),
    ];
    const r = summarizeTraffic(samples, 100, 200);
    expect(r.before).toEqual({ attempts: 2, succeeded: 2, failed: 0, p95Ms: 20 });
    expect(r.during).toMatchObject({ attempts: 2, succeeded: 0, failed: 2, p95Ms: null });
    expect(r.after).toMatchObject({ attempts: 1, succeeded: 1 });
    expect(r.topErrors).toEqual([{ message: "db down", count: 2 }]);
  });

  it("counts everything after the fault as 'during' when the cluster never recovered", () => {
    const r = summarizeTraffic([s(0, 1), s(500, 1, false, "x")], 100, null);
    expect(r.during.attempts).toBe(1);
    expect(r.after.attempts).toBe(0);
  });
});
