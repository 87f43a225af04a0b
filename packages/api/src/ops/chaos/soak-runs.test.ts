import { describe, expect, it } from "vitest";
import { soakRunsFrom } from "./soak-runs.ts";

const run = (at: string, violations: { check: string; detail: string }[] = []) => ({
  at,
  seed: 7,
  rounds: 3,
  roundMs: 20_000,
  durationMs: 95_400,
  faults: [
    { round: 1, kind: "process-kill", target: "storefront-1", hit: "storefront-1", error: null },
    { round: 2, kind: "postgres-primary-kill", target: "core", hit: "core-1", error: null },
    { round: 3, kind: "redis-primary-kill", target: "redis", hit: null, error: "no Sentinel names a Redis primary" },
  ],
  ops: { ok: 120, fail: 30, info: 4 },
  violations,
});

describe("soakRunsFrom", () => {
  it("counts injected faults and checked operations, newest run first, and skips lines that are not soak runs", () => {
    const { runs, skipped } = soakRunsFrom([
      run("2026-12-05T10:00:00.000Z"),
      { nonsense: true },
      run("2026-12-05T11:00:00.000Z", [{ check: "no oversell", detail: "A: 3 units sold of 2 stocked" }]),
    ]);
    expect(skipped).toBe(1);
    expect(runs.map((r) => r.at)).toEqual(["2026-12-05T11:00:00.000Z", "2026-12-05T10:00:00.000Z"]);
    expect(runs[1]).toMatchObject({ faults: 2, faultKinds: ["postgres-primary-kill", "process-kill"], opsChecked: 154, indeterminate: 4, durationS: 95, violations: [] });
    expect(runs[0]?.violations).toEqual([{ check: "no oversell", detail: "A: 3 units sold of 2 stocked" }]);
  });
});
