import { describe, expect, it } from "vitest";
import { BENCH_RUNS_SHOWN } from "../backend.ts";
import { benchRunsFrom } from "./bench-history.ts";

const run = (at: string, results: unknown[] = []) => ({
  at,
  mode: "full",
  gateway: "http://127.0.0.1:15910",
  identity: "source-address",
  host: { cpus: 2, loadAvg1m: 1.5 },
  results,
});

describe("benchRunsFrom", () => {
  it("keeps each run's scenario figures, idle included, oldest run first", () => {
    const { runs, skipped } = benchRunsFrom([
      run("2026-12-05T02:00:00.000Z", [
        { name: "product", concurrency: 100, rps: 2475, p50Ms: 32, p95Ms: 94, p99Ms: 152, non2xx: 0, errors: 0, ratioToCeiling: 0.54, idle: null, targets: [{ label: "API p95 < 200 ms", met: true }] },
      ]),
      run("2026-12-05T01:00:00.000Z", [
        { name: "idle", concurrency: 0, rps: 0, p50Ms: null, p95Ms: null, p99Ms: null, non2xx: 0, errors: 0, ratioToCeiling: null, idle: { cores: 0.25, rssMb: 4300, pssMb: 2600, processes: [] } },
      ]),
    ]);
    expect(skipped).toBe(0);
    expect(runs.map((r) => r.at)).toEqual(["2026-12-05T01:00:00.000Z", "2026-12-05T02:00:00.000Z"]);
    expect(runs[0]?.scenarios[0]).toMatchObject({ name: "idle", idleCores: 0.25, idleRssMb: 4300 });
    expect(runs[1]?.scenarios[0]).toMatchObject({ name: "product", rps: 2475, p95Ms: 94, ratioToCeiling: 0.54, targets: [{ met: true }] });
    expect(runs[1]?.loadAvg1m).toBe(1.5);
  });

  it("skips lines that are not bench runs instead of failing the page", () => {
    const { runs, skipped } = benchRunsFrom([null, 42, { at: "not a date", mode: "full", results: [] }, { hello: 1 }, run("2026-12-05T01:00:00.000Z")]);
    expect(runs).toHaveLength(1);
    expect(skipped).toBe(4);
  });

  it("drops a scenario that is not one, keeps the rest of its run", () => {
    const { runs } = benchRunsFrom([run("2026-12-05T01:00:00.000Z", [{ nope: true }, { name: "suggest", rps: 10 }])]);
    expect(runs[0]?.scenarios.map((s) => s.name)).toEqual(["suggest"]);
  });

  it("shows the newest runs only", () => {
    const lines = Array.from({ length: BENCH_RUNS_SHOWN + 5 }, (_, i) => run(new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString()));
    const { runs } = benchRunsFrom(lines);
    expect(runs).toHaveLength(BENCH_RUNS_SHOWN);
    expect(runs[0]?.at).toBe(new Date(Date.UTC(2026, 11, 1) + 5 * 60_000).toISOString());
  });
});
