import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { descendants } from "@agora/infra-local/processes";
import { describe, expect, it } from "vitest";
import { parseKb, parseStat, productProcesses, type Sample, usageBetween } from "./proc-sampler.ts";

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

  it("counts a registered process started by another registered one under its own name, not its parent's", async () => {
    // A real tree: a shell (the "supervisor") whose two sleeps stand for the apps it starts.
    const parent = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { stdio: "ignore" });
    const dir = mkdtempSync(join(tmpdir(), "agora-proc-sampler-"));
    try {
      let kids: number[] = [];
      for (let i = 0; i < 50 && kids.length < 2; i++) {
        await sleep(20);
        kids = descendants(parent.pid as number);
      }
      expect(kids).toHaveLength(2);
      const pidFile = join(dir, "pids.json");
      const rec = (name: string, pid: number, match: string) => ({ name, kind: "app", pid, logFile: "/dev/null", match });
      writeFileSync(
        pidFile,
        JSON.stringify([rec("supervisor", parent.pid as number, "sh"), rec("app-1", kids[0] as number, "sleep")]),
      );
      const byName = productProcesses(pidFile);
      expect(byName.get("app-1")).toEqual([kids[0]]);
      expect(byName.get("supervisor")?.sort()).toEqual([parent.pid, kids[1]].sort());
    } finally {
      for (const k of descendants(parent.pid as number)) process.kill(k, "SIGKILL");
      parent.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
