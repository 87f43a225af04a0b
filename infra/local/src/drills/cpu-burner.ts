/**
 * CPU saturation for the false-failover check: one busy-looping Node process per core, at normal
 * priority like everything else. Each one ends by itself at its deadline (so a crashed caller
 * leaves nothing spinning), and `stop()` kills exactly the PIDs started here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpus } from "node:os";

export interface CpuBurner {
  pids: number[];
  stop(): void;
}

export function startCpuBurner(opts: { processes?: number; maxMs: number }): CpuBurner {
  const n = opts.processes ?? cpus().length;
  const code = `const end = Date.now() + ${Math.round(opts.maxMs)}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e5; i++) x += i; }`;
  const children: ChildProcess[] = Array.from({ length: n }, () =>
    spawn(process.execPath, ["-e", code], { stdio: "ignore" }),
  );
  return {
    pids: children.map((c) => c.pid).filter((p): p is number => p !== undefined),
    stop() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    },
  };
}

/** Share of the whole machine's CPU time that was busy between two /proc/stat readings. */
export function cpuBusyShare(before: readonly number[], after: readonly number[]): number {
  const delta = after.map((v, i) => v - (before[i] ?? 0));
  const total = delta.reduce((a, b) => a + b, 0);
  // Fields: user nice system idle iowait irq softirq steal …; idle + iowait is "not busy".
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return total > 0 ? (total - idle) / total : 0;
}
