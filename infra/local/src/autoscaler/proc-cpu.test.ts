import { describe, expect, it } from "vitest";
import { cpuMillicores, idleMillicores, parseChildren, parseHostCpu, parseProcStatTicks, ProcStatError } from "./proc-cpu.ts";

// A real line of /proc/<pid>/stat of `next-server (v16.4.0)`: the name holds spaces and parentheses.
const NEXT_STAT =
  "4242 (next-server (v16.4.0)) S 4200 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 0 0 20 0 11 0 98765 1234567890 45678 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0";

describe("/proc/<pid>/stat", () => {
  it("reads utime + stime past a command name with spaces and parentheses", () => {
    expect(parseProcStatTicks(NEXT_STAT)).toBe(1234 + 567);
  });

  it("reads a plain command name", () => {
    expect(parseProcStatTicks("17 (node) R 1 17 17 0 -1 0 0 0 0 0 300 100 0 0 20 0 1 0 5 0 0")).toBe(400);
  });

  it("refuses a line that is not a stat line", () => {
    expect(() => parseProcStatTicks("garbage")).toThrow(ProcStatError);
  });

  it("lists the children of a task", () => {
    expect(parseChildren("4243 4250 \n")).toEqual([4243, 4250]);
    expect(parseChildren("")).toEqual([]);
  });

  it("turns ticks over wall time into millicores", () => {
    // 50 ticks (0.5 s of CPU at 100 Hz) in 1 s = half a core.
    expect(cpuMillicores({ ticks: 1000, at: 0 }, { ticks: 1050, at: 1000 })).toBe(500);
    // Two cores busy for 2 s.
    expect(cpuMillicores({ ticks: 0, at: 0 }, { ticks: 400, at: 2000 })).toBe(2000);
    expect(cpuMillicores({ ticks: 10, at: 5 }, { ticks: 10, at: 5 })).toBe(0);
  });
});

// The head of a real /proc/stat of a 2-CPU box.
const HOST_STAT = `cpu  4705 356 584 3699 23 0 41 0 0 0
cpu0 2335 178 290 1850 12 0 20 0 0 0
cpu1 2370 178 294 1849 11 0 21 0 0 0
intr 114930548 113199788 3 0 5 263 0 4 [...]
ctxt 1990473
`;

describe("/proc/stat", () => {
  it("reads the host's idle (idle + iowait) and total ticks and counts its CPUs", () => {
    expect(parseHostCpu(HOST_STAT)).toEqual({
      idle: 3699 + 23,
      total: 4705 + 356 + 584 + 3699 + 23 + 41,
      cpus: 2,
    });
  });

  it("refuses text without the cpu line", () => {
    expect(() => parseHostCpu("intr 1 2 3\n")).toThrow(ProcStatError);
  });

  it("turns idle ticks over all ticks into the millicores nobody used", () => {
    const before = { idle: 1000, total: 2000, cpus: 2 };
    // 200 ticks passed (1 s on 2 CPUs at 100 Hz), 50 of them idle: a quarter of 2000m.
    expect(idleMillicores(before, { idle: 1050, total: 2200, cpus: 2 })).toBe(500);
    expect(idleMillicores(before, { idle: 1000, total: 2200, cpus: 2 })).toBe(0);
    expect(idleMillicores(before, before)).toBeUndefined();
  });
});
