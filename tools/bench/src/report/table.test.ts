import { describe, expect, it } from "vitest";
import { failedResult, toResult } from "../run.ts";
import { SCENARIOS } from "../scenarios.ts";
import type { Measured } from "../scenarios.ts";
import type { BenchRun } from "./result.ts";
import { formatMs, formatRun, renderTable, workRows } from "./table.ts";

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

  it("records a scenario that could not run as an error with its reason", () => {
    const r = failedResult(scenario("search"), new Error("gateway refused"), null);
    expect(r.errors).toBe(1);
    expect(r.notes).toEqual(["did not run: gateway refused"]);
    expect(r.targets.every((t) => !t.met)).toBe(true);
  });
});

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
