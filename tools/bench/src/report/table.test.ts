import { describe, expect, it } from "vitest";
import { failedResult, toResult } from "../run.ts";
import { SCENARIOS } from "../scenarios.ts";
import type { Measured } from "../scenarios.ts";
import type { BenchRun, ProcessGrowth, SoakUsage } from "./result.ts";
import {
  formatGrowthPct,
  formatMs,
  formatRun,
  growthRows,
  renderTable,
  soakSummary,
  workRows,
} from "./table.ts";

const scenario = (name: string) => {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(name);
  return s;
};

const measured = (m: Partial<Measured>): Measured => ({
  concurrency: 100,
  durationS: 10,
  requests: 1000,
  rps: 100,
  p50Ms: 5,
  p95Ms: 10,
  p99Ms: 15,
  non2xx: 0,
  errors: 0,
  notes: [],
  ...m,
});

describe("bench rows", () => {
  it("gives each load its share of the ceiling measured in the same run", () => {
    const r = toResult(scenario("catalog-home"), measured({ rps: 2500 }), 10_000);
    expect(r.ratioToCeiling).toBe(0.25);
    expect(toResult(scenario("catalog-home"), measured({}), null).ratioToCeiling).toBeNull();
    expect(toResult(scenario("checkout"), measured({}), 10_000).ratioToCeiling).toBeNull();
  });

  it("marks a cached read met only at ≥ 25 % of the ceiling, p95 ≤ 20 ms and no non-2xx", () => {
    const verdict = (m: Partial<Measured>) =>
      toResult(scenario("product"), measured(m), 1000).targets.find((t) =>
        t.label.startsWith("≥ 25 %"),
      )?.met;
    expect(verdict({ rps: 250, p95Ms: 20 })).toBe(true);
    expect(verdict({ rps: 249, p95Ms: 20 })).toBe(false);
    expect(verdict({ rps: 500, p95Ms: 21 })).toBe(false);
    expect(verdict({ rps: 500, p95Ms: 5, non2xx: 1 })).toBe(false);
  });

  it("holds search to p95 < 100 ms and the order journey to p95 < 5 s", () => {
    const search = toResult(scenario("search"), measured({ p95Ms: 99 }), 1000).targets;
    expect(search.find((t) => t.label === "search p95 < 100 ms")?.met).toBe(true);
    expect(search.find((t) => t.label === "search p95 ≤ 50 ms")?.met).toBe(false);
    const order = toResult(scenario("checkout"), measured({ p95Ms: 5_000 }), null).targets;
    expect(order.find((t) => t.label.startsWith("order"))?.met).toBe(false);
  });

  it("judges idle CPU and RSS of the whole product", () => {
    const idle = (cores: number, rssMb: number) =>
      toResult(
        scenario("idle"),
        measured({ idle: { cores, rssMb, pssMb: rssMb, processes: [] } }),
        null,
      ).targets.map((t) => t.met);
    expect(idle(0.15, 2_500)).toEqual([true, true]);
    expect(idle(0.2, 2_600)).toEqual([false, false]);
  });

  it("holds a soak to no flagged process and no errors, and never meets it without two samples", () => {
    const soak = (grew: boolean, atS: number[], errors = 0) =>
      toResult(
        scenario("soak"),
        measured({
          errors,
          soak: soakUsage({ atS, processes: [growth("core-1", 200, grew ? 250 : 210, grew)] }),
        }),
        null,
      ).targets.map((t) => [t.label, t.met]);
    expect(soak(false, [0, 30, 60])).toEqual([
      ["no process grows > 20 %", true],
      ["0 errors", true],
    ]);
    expect(soak(true, [0, 30, 60])[0]).toEqual(["no process grows > 20 %", false]);
    expect(soak(false, [0])[0]?.[1]).toBe(false);
    expect(soak(false, [0, 30], 2)[1]).toEqual(["0 errors", false]);
    expect(toResult(scenario("soak"), measured({}), null).targets[0]?.met).toBe(false);
  });

  it("records a scenario that could not run as an error with its reason", () => {
    const r = failedResult(scenario("search"), new Error("gateway refused"), null);
    expect(r.errors).toBe(1);
    expect(r.notes).toEqual(["did not run: gateway refused"]);
    expect(r.targets.every((t) => !t.met)).toBe(true);
  });
});

function growth(
  name: string,
  start: number | null,
  end: number | null,
  grew = false,
): ProcessGrowth {
  const alive = [start, end].filter((x): x is number => x !== null);
  return {
    name,
    rssMb: [start, end],
    startRssMb: start,
    endRssMb: end,
    maxRssMb: alive.length ? Math.max(...alive) : null,
    growthPct:
      start !== null && end !== null ? Math.round(((end - start) / start) * 1000) / 10 : null,
    grew,
    cpuSeconds: 4.25,
  };
}

function soakUsage(u: Partial<SoakUsage>): SoakUsage {
  return {
    warmupS: 60,
    sampleEveryS: 30,
    atS: [0, 30, 60],
    growthLimitPct: 20,
    rssMbStart: 5120,
    rssMbEnd: 5376,
    rssMbMax: 5400,
    orders: { ready: 40, failed: 0, outOfStock: 3, skipped: 0 },
    processes: [],
    ...u,
  };
}

describe("the printed table", () => {
  const run: BenchRun = {
    at: "2026-12-04T22:00:00.000Z",
    mode: "quick",
    gateway: "http://127.0.0.1:1",
    identity: "forwarded-for",
    host: { cpus: 2, loadAvg1m: 1.5 },
    results: [
      toResult(scenario("node-hello"), measured({ rps: 8000 }), null),
      toResult(scenario("catalog-home"), measured({ rps: 2000, p95Ms: 12.34, non2xx: 3 }), 8000),
      toResult(
        scenario("idle"),
        measured({
          concurrency: 0,
          rps: 0,
          p50Ms: null,
          p95Ms: null,
          p99Ms: null,
          idle: {
            cores: 0.5,
            rssMb: 3072,
            pssMb: 2048,
            processes: [
              {
                name: "outbox-relay",
                cpuSeconds: 6,
                cpuSecondsPerMinute: 6,
                cores: 0.1,
                rssMb: 200,
                pssMb: 150,
                pids: 1,
              },
              {
                name: "etcd-1",
                cpuSeconds: 2,
                cpuSecondsPerMinute: 2,
                cores: 0.033,
                rssMb: 50,
                pssMb: 40,
                pids: 1,
              },
            ],
          },
        }),
        null,
      ),
    ],
  };

  it("prints one row per scenario with rps, percentiles, non-2xx, share of ceiling and met/missed marks", () => {
    const text = formatRun(run);
    const home = text.split("\n").find((l) => l.startsWith("catalog-home"));
    expect(home).toContain("2000");
    expect(home).toContain("12.3 ms");
    expect(home).toContain("25.0 %");
    expect(home).toContain("✖ ≥ 25 % of ceiling, p95 ≤ 20 ms, 0 non-2xx");
    expect(home).toContain("✔ API p95 < 200 ms");
    expect(text).toContain("0.500 core, RSS 3.00 GB");
  });

  it("lists idle processes by CPU seconds per minute, biggest first, with a total", () => {
    const lines = formatRun(run).split("\n");
    const relay = lines.findIndex((l) => l.startsWith("outbox-relay"));
    const etcd = lines.findIndex((l) => l.startsWith("etcd-1"));
    expect(relay).toBeGreaterThan(0);
    expect(etcd).toBeGreaterThan(relay);
    expect(lines.find((l) => l.startsWith("total"))).toMatch(/30\.00\s+0\.500\s+3072\s+2048\s+2/);
  });

  it("divides each busy process's CPU over the timed part by the orders it finished, biggest first", () => {
    const usage = (name: string, cpuSeconds: number) => ({
      name,
      cpuSeconds,
      cpuSecondsPerMinute: 0,
      cores: cpuSeconds / 20,
      rssMb: 100,
      pssMb: 100,
      pids: 1,
    });
    const rows = workRows({
      windowMs: 20_000,
      units: 200,
      unit: "order",
      processes: [usage("workers-sagas", 4), usage("storefront-1", 10), usage("etcd-1", 0)],
    });
    expect(rows.map((r) => r[0])).toEqual(["storefront-1", "workers-sagas", "total"]);
    expect(rows[0]?.[2]).toBe("50.0");
    expect(rows[2]?.slice(1, 4)).toEqual(["14.00", "70.0", "0.700"]);
  });

  it("survives a JSON round trip unchanged (the --json output and the history line)", () => {
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
    expect(JSON.parse(JSON.stringify(soakRun))).toEqual(soakRun);
  });

  const soakRun: BenchRun = {
    ...run,
    results: [
      toResult(
        scenario("soak"),
        measured({
          concurrency: 4,
          durationS: 600,
          requests: 18_000,
          rps: 30,
          errors: 1,
          soak: soakUsage({
            processes: [
              growth("redis-1", 20, 32, true),
              growth("storefront-1", 450, 470),
              growth("storefront-3", null, 300),
            ],
          }),
        }),
        null,
      ),
    ],
  };

  it("prints the soak's row with the whole product's RSS start → end and how many processes grew", () => {
    const row = formatRun(soakRun)
      .split("\n")
      .find((l) => l.startsWith("soak "));
    expect(row).toContain("30.0");
    expect(row).toContain("RSS 5.00 → 5.25 GB (+5.0 %), 1 grew > 20 %");
    expect(row).toContain("✖ no process grows > 20 %");
  });

  it("lists each process's start, end and max RSS with its growth, flags the ones past the limit, and totals them", () => {
    const rows = growthRows(soakRun.results[0]?.soak as SoakUsage);
    expect(rows[0]).toEqual(["redis-1", "20", "32", "32", "+60.0 %", "4.3", "✖ > 20 %"]);
    expect(rows[1]).toEqual(["storefront-1", "450", "470", "470", "+4.4 %", "4.3", ""]);
    expect(rows[2]).toEqual(["storefront-3", "–", "300", "300", "–", "4.3", ""]);
    expect(rows[3]).toEqual(["total", "5120", "5376", "5400", "+5.0 %", "12.8", ""]);
    const text = formatRun(soakRun);
    expect(text).toContain("soak: RSS per process");
    expect(text).toContain("18000 requests, 1 errors, 40 orders ready, 3 out of stock");
  });

  it("formats growth with its sign, and a dash where there is nothing to compare", () => {
    expect(formatGrowthPct(4.25)).toBe("+4.3 %");
    expect(formatGrowthPct(0)).toBe("+0.0 %");
    expect(formatGrowthPct(-1)).toBe("-1.0 %");
    expect(formatGrowthPct(null)).toBe("–");
    expect(soakSummary(soakUsage({ rssMbStart: 0, rssMbEnd: 0 }))).toBe(
      "RSS 0.00 → 0.00 GB (–), 0 grew > 20 %",
    );
  });

  it("aligns columns and formats times", () => {
    expect(renderTable(["a", "bb", "c"], [["x", "1", "y"]]).split("\n")).toEqual([
      "a  bb  c",
      "-  --  -",
      "x   1  y",
    ]);
    expect(formatMs(null)).toBe("–");
    expect(formatMs(1.234)).toBe("1.2 ms");
    expect(formatMs(250.4)).toBe("250 ms");
    expect(formatMs(12_345)).toBe("12.3 s");
  });
});
