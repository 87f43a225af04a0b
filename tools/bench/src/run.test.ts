import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appendHistory, readHistory } from "./history.ts";
import {
  CHECKOUT_MAX_BOUND_S,
  CheckoutOptionsError,
  FULL_PLAN,
  planFor,
  QUICK_PLAN,
  SOAK_MAX_MINUTES,
  SoakOptionsError,
} from "./plan.ts";
import { silentProgress } from "./progress.ts";
import { formatRun } from "./report/table.ts";
import { runBench } from "./run.ts";
import { SCENARIOS, selectScenarios } from "./scenarios.ts";

describe("quick mode", () => {
  const dir = mkdtempSync(join(tmpdir(), "agora-bench-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is a small, bounded version of every load shape", () => {
    const q = planFor({ quick: true });
    expect(q).toEqual(QUICK_PLAN);
    for (const shape of [q.reads, q.html, q.cart]) {
      expect(shape.durationS).toBeLessThanOrEqual(FULL_PLAN.reads.durationS);
      expect(shape.maxRequests).toBeLessThan(FULL_PLAN.reads.maxRequests);
    }
    expect(q.checkout.shoppers).toBeLessThan(FULL_PLAN.checkout.shoppers);
    expect(q.idleWindowS).toBeLessThan(FULL_PLAN.idleWindowS);
    expect(q.soak.minutes).toBeLessThan(FULL_PLAN.soak.minutes);
    expect(q.soak.warmupS).toBeLessThanOrEqual(FULL_PLAN.soak.warmupS);
  });

  it("soaks for the minutes asked, 10 by default, and refuses an unbounded or fractional soak", () => {
    expect(FULL_PLAN.soak.minutes).toBe(10);
    expect(QUICK_PLAN.soak.minutes).toBe(1);
    expect(planFor({ quick: false, soakMinutes: 2 }).soak).toEqual({
      ...FULL_PLAN.soak,
      minutes: 2,
    });
    expect(planFor({ quick: true, soakMinutes: 3 }).soak.minutes).toBe(3);
    expect(() => planFor({ quick: false, soakMinutes: SOAK_MAX_MINUTES + 1 })).toThrow(
      SoakOptionsError,
    );
    expect(() => planFor({ quick: false, soakMinutes: 1.5 })).toThrow(/1–60 minutes/);
  });

  it("follows the checkout's shoppers for the bound asked, 120 s by default, never unbounded", () => {
    expect(FULL_PLAN.checkout.timeoutS).toBe(120);
    expect(planFor({ quick: false, checkoutBoundS: 400, shoppers: 200 }).checkout).toEqual({
      ...FULL_PLAN.checkout,
      shoppers: 200,
      timeoutS: 400,
    });
    expect(() => planFor({ quick: false, checkoutBoundS: CHECKOUT_MAX_BOUND_S + 1 })).toThrow(
      CheckoutOptionsError,
    );
  });

  it("takes a longer idle window when asked, leaving the load shapes alone", () => {
    const p = planFor({ quick: false, idleWindowS: 180 });
    expect(p.idleWindowS).toBe(180);
    expect(p.reads).toEqual(FULL_PLAN.reads);
    expect(planFor({ quick: false }).idleWindowS).toBe(FULL_PLAN.idleWindowS);
  });

  it("measures the node-hello ceiling end to end and reports it as JSON, a table and a history line", async () => {
    const run = await runBench({
      plan: QUICK_PLAN,
      scenarios: selectScenarios(["node-hello"]),
      progress: silentProgress,
    });
    expect(run.mode).toBe("quick");
    expect(run.results.map((r) => r.name)).toEqual(["node-hello"]);
    const [hello] = run.results;
    expect(hello?.requests).toBeGreaterThan(0);
    expect(hello?.requests).toBeLessThanOrEqual(QUICK_PLAN.reads.maxRequests);
    expect(hello?.errors).toBe(0);
    expect(hello?.non2xx).toBe(0);
    expect(hello?.ratioToCeiling).toBe(1);
    expect(formatRun(run)).toContain("node-hello");

    const file = join(dir, "bench", "history.jsonl");
    appendHistory(file, run);
    appendHistory(file, run);
    expect(readHistory(file)).toEqual([run, run]);
  });

  it("turns a scenario that needs the product into an error row when none is given", async () => {
    const run = await runBench({
      plan: QUICK_PLAN,
      scenarios: selectScenarios(["catalog-home"]),
      progress: silentProgress,
    });
    expect(run.results[0]?.errors).toBe(1);
    expect(run.results[0]?.notes[0]).toMatch(/did not run/);
  });

  it("selects scenarios by name in table order and refuses unknown ones", () => {
    expect(selectScenarios(["search", "idle"]).map((s) => s.name)).toEqual(["idle", "search"]);
    expect(selectScenarios(undefined)).toHaveLength(SCENARIOS.length - 1);
    expect(() => selectScenarios(["nope"])).toThrow(/unknown scenario nope/);
  });

  it("runs the soak only when it is named (it takes minutes)", () => {
    expect(selectScenarios(undefined).map((s) => s.name)).not.toContain("soak");
    expect(selectScenarios(["soak"]).map((s) => s.name)).toEqual(["soak"]);
  });
});
