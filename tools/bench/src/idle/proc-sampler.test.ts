import { describe, expect, it } from "vitest";
import { parseKb, parseStat, type Sample, usageBetween } from "./proc-sampler.ts";

describe("/proc sampling", () => {
  it("reads CPU ticks (own and reaped children) and start time from a stat line whose name has spaces", () => {
    const fields = [
      "S",
      ...Array.from({ length: 10 }, () => "0"),
      "100",
      "50",
      "7",
      "3",
      "0",
      "0",
      "0",
      "0",
      "12345",
      "0",
    ];
    expect(parseStat(`42 (next-server (v1)) ${fields.join(" ")}`)).toEqual({
      ticks: 160,
      startTicks: 12345,
    });
  });

  it("reads kB fields of status and smaps_rollup", () => {
    expect(parseKb("Name:\tnode\nVmRSS:\t  204800 kB\n", "VmRSS")).toBe(204800);
    expect(parseKb("Rss: 10 kB\nPss:    512 kB\n", "Pss")).toBe(512);
    expect(parseKb("", "Pss")).toBe(0);
  });

  it("counts CPU inside the window per process, children included, and skips PIDs it cannot place", () => {
    const snap = (ticks: number, startTicks: number, rssKb = 1024) => ({
      ticks,
      startTicks,
      rssKb,
      pssKb: rssKb / 2,
    });
    const before: Sample = {
      atTicks: 1_000,
      byName: new Map([
        [
          "core-1",
          new Map([
            [1, snap(500, 10)],
            [2, snap(100, 20)],
          ]),
        ],
      ]),
    };
    const after: Sample = {
      atTicks: 7_000,
      byName: new Map([
        [
          "core-1",
          new Map([
            [1, snap(800, 10)], // +300
            [2, snap(50, 6_000)], // PID reused inside the window: all 50 count
            [3, snap(40, 1_500)], // born inside the window: 40
            [4, snap(999, 900)], // older than the window but never seen: left out
          ]),
        ],
      ]),
    };
    const [u] = usageBetween(before, after, 60_000, 100);
    expect(u?.cpuSeconds).toBeCloseTo(3.9);
    expect(u?.cpuSecondsPerMinute).toBeCloseTo(3.9);
    expect(u?.cores).toBeCloseTo(0.065);
    expect(u?.rssMb).toBe(4);
    expect(u?.pssMb).toBe(2);
    expect(u?.pids).toBe(4);
  });
});
