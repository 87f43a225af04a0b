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
