import { describe, expect, it } from "vitest";
import { countersFromText, histogramQuantile, windowStats } from "./version-metrics.ts";

const text = (ok: number, fail: number, notFound: number, fast: number, slow: number) => `# HELP x
agora_trpc_requests_total{procedure="catalog.product",status="ok"} ${ok}
agora_trpc_requests_total{procedure="catalog.product",status="error",error="INTERNAL_SERVER_ERROR"} ${fail}
agora_trpc_requests_total{procedure="catalog.product",status="error",error="NOT_FOUND"} ${notFound}
agora_trpc_duration_seconds_bucket{le="0.05",procedure="catalog.product",status="ok"} ${fast}
agora_trpc_duration_seconds_bucket{le="0.1",procedure="catalog.product",status="ok"} ${fast + slow}
agora_trpc_duration_seconds_bucket{le="+Inf",procedure="catalog.product",status="ok"} ${fast + slow}
`;

describe("version metrics", () => {
  it("counts only server errors, and differences per instance between scrapes", () => {
    const prev = new Map([["a:1", countersFromText(text(10, 0, 5, 10, 0))]]);
    const cur = new Map([
      ["a:1", countersFromText(text(90, 20, 10, 100, 0))],
      ["b:2", countersFromText(text(10, 0, 0, 10, 0))],
    ]);
    const w = windowStats(prev, cur);
    expect(w.requests).toBe(80 + 20 + 5 + 10);
    expect(w.serverErrors).toBe(20);
    expect(w.errorRate).toBeCloseTo(20 / 115, 5);
  });
  it("treats a counter that went down as a restart, and too few calls as no data", () => {
    const prev = new Map([["a:1", countersFromText(text(100, 0, 0, 100, 0))]]);
    const w = windowStats(prev, new Map([["a:1", countersFromText(text(3, 1, 0, 3, 0))]]));
    expect(w.requests).toBe(4);
    expect(w.errorRate).toBeUndefined();
  });
  it("interpolates p95 inside the bucket like histogram_quantile", () => {
    expect(histogramQuantile(0.95, new Map([[0.05, 90], [0.1, 100], [Infinity, 100]]))).toBeCloseTo(0.075, 5);
    expect(histogramQuantile(0.95, new Map([[Infinity, 0]]))).toBeUndefined();
  });
});
