import { describe, expect, it } from "vitest";
import { cpuMillicores, parseChildren, parseProcStatTicks, ProcStatError } from "./proc-cpu.ts";

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
