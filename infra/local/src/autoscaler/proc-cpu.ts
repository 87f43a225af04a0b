/**
 * CPU of a local instance from /proc, as a container runtime would report it to the metrics
 * pipeline: CPU seconds used between two readings over the wall time between them, in millicores.
 * Hand-written: two fields of one line (no library reads /proc/<pid>/stat for a PID without
 * native code), and the command name, which may contain spaces and parentheses, is skipped by
 * its last `)`.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second (`getconf CLK_TCK`): 100 on every Linux architecture Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

export class ProcStatError extends Error {
  readonly code = "PROC_STAT_INVALID";
}

/** utime + stime of `/proc/<pid>/stat` (fields 14 and 15), in clock ticks. */
export function parseProcStatTicks(stat: string): number {
  const end = stat.lastIndexOf(")");
  if (end < 0) throw new ProcStatError(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  // After "pid (comm) " the fields start at field 3 (state): utime is field 14, stime 15.
  const fields = stat.slice(end + 2).trim().split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new ProcStatError(`no utime/stime in: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** The PID's direct children (`/proc/<pid>/task/<pid>/children`), e.g. a server a CLI forked. */
export function parseChildren(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** CPU ticks of a process and its direct children; undefined once it is gone. */
export function processTicks(pid: number): number | undefined {
  const read = (p: number) => parseProcStatTicks(readFileSync(`/proc/${p}/stat`, "utf8"));
  try {
    let ticks = read(pid);
    let children: number[] = [];
    try {
      children = parseChildren(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    for (const c of children) {
      try {
        ticks += read(c);
      } catch (err) {
        // A child that exited between the two reads used no more CPU.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    return ticks;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export interface CpuReading {
  ticks: number;
  at: number;
}

/** Millicores used between two readings of one process. */
export function cpuMillicores(before: CpuReading, after: CpuReading, ticksPerSecond = CLOCK_TICKS_PER_SECOND): number {
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return 0;
  return Math.max(0, ((after.ticks - before.ticks) / ticksPerSecond / seconds) * 1000);
}

/** The host's CPU time in clock ticks, from the first (`cpu`) line of /proc/stat. */
export interface HostCpuReading {
  /** idle + iowait: time no runnable task wanted a CPU. */
  idle: number;
  total: number;
  /** Logical CPUs (the `cpuN` lines). */
  cpus: number;
}

export function parseHostCpu(stat: string): HostCpuReading {
  const lines = stat.split("\n");
  const first = lines.find((l) => l.startsWith("cpu "));
  if (!first) throw new ProcStatError(`no "cpu" line in /proc/stat: ${stat.slice(0, 80)}`);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
  const f = first.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 5 || f.some((n) => !Number.isFinite(n))) throw new ProcStatError(`bad "cpu" line: ${first}`);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  const cpus = lines.filter((l) => /^cpu\d+ /.test(l)).length || 1;
  return { idle, total, cpus };
}

export function readHostCpu(): HostCpuReading {
  return parseHostCpu(readFileSync("/proc/stat", "utf8"));
}

/** Millicores of the host nobody used between two readings (what a new process could get). */
export function idleMillicores(before: HostCpuReading, after: HostCpuReading): number | undefined {
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  return Math.max(0, ((after.idle - before.idle) / total) * after.cpus * 1000);
}
