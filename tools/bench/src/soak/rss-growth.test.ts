import { describe, expect, it } from "vitest";
import type { ProcSnapshot, Sample } from "../idle/proc-sampler.ts";
import { growthPct, rssByName, rssGrowth, totalRssMb } from "./rss-growth.ts";

const at = (rss: Record<string, number>) => new Map(Object.entries(rss));

describe("RSS growth over a soak", () => {
  it("adds up a process's PIDs (its children included) in MB and leaves out a process with none alive", () => {
    const snap = (rssKb: number): ProcSnapshot => ({ ticks: 0, startTicks: 0, rssKb, pssKb: 0 });
    const s: Sample = {
      atTicks: 0,
      byName: new Map([
        [
          "shard-1-1",
          new Map([
            [10, snap(102_400)],
            [11, snap(51_200)],
          ]),
        ],
        ["storefront-1", new Map([[20, snap(204_800)]])],
        ["workers-imports", new Map()],
      ]),
    };
    expect(rssByName(s)).toEqual(
      new Map([
        ["shard-1-1", 150],
        ["storefront-1", 200],
      ]),
    );
    expect(totalRssMb(rssByName(s))).toBe(350);
  });

  it("compares the end RSS with the start RSS, not the peak", () => {
    const [p] = rssGrowth([at({ core: 200 }), at({ core: 320 }), at({ core: 230 })], 20);
    expect(p).toMatchObject({
      name: "core",
      rssMb: [200, 320, 230],
      startRssMb: 200,
      endRssMb: 230,
      maxRssMb: 320,
      growthPct: 15,
      grew: false,
    });
  });

  it("flags a process only when it grew by more than the limit", () => {
    const grew = (end: number) => rssGrowth([at({ p: 100 }), at({ p: end })], 20)[0]?.grew;
    expect(grew(120)).toBe(false);
    expect(grew(120.04)).toBe(false); // printed +20.0 %: not flagged
    expect(grew(120.1)).toBe(true);
    expect(grew(80)).toBe(false);
  });

  it("does not judge a process that started after the first sample or stopped before the last", () => {
    const rows = rssGrowth(
      [
        at({ old: 100, gone: 50 }),
        at({ old: 100, gone: 90, late: 10 }),
        at({ old: 100, late: 40 }),
      ],
      20,
    );
    const by = new Map(rows.map((r) => [r.name, r]));
    expect(by.get("late")).toMatchObject({
      rssMb: [null, 10, 40],
      startRssMb: 10,
      endRssMb: 40,
      growthPct: null,
      grew: false,
    });
    expect(by.get("gone")).toMatchObject({
      rssMb: [50, 90, null],
      endRssMb: 90,
      maxRssMb: 90,
      growthPct: null,
      grew: false,
    });
    expect(by.get("old")?.growthPct).toBe(0);
  });

  it("has no growth to report from a single sample", () => {
    expect(rssGrowth([at({ p: 100 })], 20)[0]).toMatchObject({ growthPct: null, grew: false });
  });

  it("lists the biggest growth first, processes it cannot judge last, with each one's CPU seconds", () => {
    const rows = rssGrowth(
      [at({ a: 100, b: 100, c: 100 }), at({ a: 105, b: 150, c: 90, d: 5 })],
      20,
      new Map([["b", 12.345]]),
    );
    expect(rows.map((r) => [r.name, r.growthPct])).toEqual([
      ["b", 50],
      ["a", 5],
      ["c", -10],
      ["d", null],
    ]);
    expect(rows[0]?.cpuSeconds).toBe(12.3);
    expect(rows[1]?.cpuSeconds).toBe(0);
  });

  it("gives growth in % of the start, none without a start", () => {
    expect(growthPct(200, 250)).toBe(25);
    expect(growthPct(200, 150)).toBe(-25);
    expect(growthPct(0, 10)).toBeNull();
  });
});
