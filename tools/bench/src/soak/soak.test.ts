import { describe, expect, it } from "vitest";
import { FULL_PLAN } from "../plan.ts";
import type { ProcessGrowth } from "../report/result.ts";
import { type SoakResult, soakNotes } from "./soak.ts";

const growth = (
  name: string,
  rssMb: (number | null)[],
  growthPct: number | null,
  grew = false,
): ProcessGrowth => ({
  name,
  rssMb,
  startRssMb: rssMb.find((x) => x !== null) ?? null,
  endRssMb: rssMb.findLast((x) => x !== null) ?? null,
  maxRssMb: null,
  growthPct,
  grew,
  cpuSeconds: 1,
});

const result = (
  processes: ProcessGrowth[],
  orders: Partial<SoakResult["usage"]["orders"]> = {},
): SoakResult => ({
  reads: {
    requests: 18_000,
    elapsedMs: 600_000,
    rps: 30,
    p50Ms: 5,
    p95Ms: 20,
    p99Ms: 40,
    non2xx: 0,
    errors: 0,
    byStatus: { 200: 18_000 },
  },
  warmupReads: 1_800,
  accounts: 23,
  orderErrors: [],
  usage: {
    warmupS: 60,
    sampleEveryS: 30,
    atS: [0, 30, 60],
    growthLimitPct: 20,
    rssMbStart: 5120,
    rssMbEnd: 5376,
    rssMbMax: 5400,
    orders: { ready: 190, failed: 1, outOfStock: 9, skipped: 0, ...orders },
    processes,
  },
});

describe("the soak's notes", () => {
  it("counts out-of-stock refusals apart from failed checkouts and names the processes that grew", () => {
    const notes = soakNotes(
      FULL_PLAN.soak,
      result([growth("redis-1", [20, 26, 32], 60, true), growth("core-1", [200, 200, 210], 5)], {
        skipped: 1,
      }),
    );
    expect(notes[0]).toContain("18000 cached reads");
    expect(notes[0]).toContain("60 s warm-up before (1800 reads) not counted");
    expect(notes[1]).toContain("190 orders ready, 1 failed, 9 refused out_of_stock");
    expect(notes[1]).toContain("1 start skipped");
    expect(notes[2]).toBe("whole product RSS 5.00 GB → 5.25 GB (+5.0 %), 3 samples every 30 s");
    expect(notes[3]).toBe("grew > 20 % (end over start RSS): redis-1 +60.0 %");
  });

  it("says which processes it could not judge: started late or gone before the end", () => {
    const notes = soakNotes(
      FULL_PLAN.soak,
      result([
        growth("storefront-3", [null, 300, 310], null),
        growth("workers-imports", [100, null, null], null),
      ]),
    );
    expect(notes).toContain("no process grew > 20 % (end over start RSS)");
    expect(notes).toContain("not running at the first sample (not judged): storefront-3");
    expect(notes).toContain("not running at the last sample (not judged): workers-imports");
  });
});
