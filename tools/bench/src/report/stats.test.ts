import { describe, expect, it } from "vitest";
import { percentile, rate, ResponseTally, summarise } from "./stats.ts";

describe("latency statistics", () => {
  it("takes nearest-rank percentiles of the samples", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it("summarises unsorted samples and gives NaN for none", () => {
    const s = summarise([30, 10, 20]);
    expect(s).toMatchObject({ count: 3, p50: 20, p95: 30, p99: 30, max: 30, mean: 20 });
    expect(Number.isNaN(summarise([]).p95)).toBe(true);
  });

  it("counts every non-2xx status and keeps its latency", () => {
    const t = new ResponseTally();
    t.record(200, 1);
    t.record(204, 2);
    t.record(429, 3);
    t.record(503, 4);
    t.record(302, 5);
    expect(t.responses).toBe(5);
    expect(t.non2xx).toBe(3);
    expect(t.byStatus).toEqual({ 200: 1, 204: 1, 302: 1, 429: 1, 503: 1 });
  });

  it("turns a count over a window into a rate per second", () => {
    expect(rate(500, 2_000)).toBe(250);
    expect(rate(10, 0)).toBe(0);
  });
});
