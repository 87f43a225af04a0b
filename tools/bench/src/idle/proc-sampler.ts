/**
 * CPU and memory of the running product from /proc: every process the launcher registered
 * (`pids.json`) together with its children (a Patroni member's Postgres, an app's Node under its
 * npm/tsx wrapper). CPU is counted in kernel clock ticks over a window, so a busy shared machine
 * slows the window's work down but does not inflate it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { descendants, isOurs, readRegistry } from "@agora/infra-local/processes";
import type { ProcessUsage } from "../report/result.ts";

export interface ProcSnapshot {
  /** utime + stime + cutime + cstime in clock ticks. */
  ticks: number;
  /** Start time in clock ticks since boot. */
  startTicks: number;
  rssKb: number;
  pssKb: number;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return clockTicks;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH" || code === "EACCES") return undefined;
    throw err;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): index 0 = state. */
export function parseStat(stat: string): { ticks: number; startTicks: number } {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime, stime, cutime, cstime are fields 14..17 of the full line (11..14 of `rest`), starttime 22 (19).
  return {
    ticks: [11, 12, 13, 14].reduce((s, i) => s + Number(rest[i] ?? 0), 0),
    startTicks: Number(rest[19] ?? 0),
  };
}

/** Now, in clock ticks since boot (comparable with a process's start time). */
export function nowTicks(): number {
  const up = Number((readOrUndefined("/proc/uptime") ?? "0").split(" ")[0]);
  return Math.floor(up * ticksPerSecond());
}

export function parseKb(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

export function snapshotPid(pid: number): ProcSnapshot | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const status = readOrUndefined(`/proc/${pid}/status`) ?? "";
  const rollup = readOrUndefined(`/proc/${pid}/smaps_rollup`) ?? "";
  return { ...parseStat(stat), rssKb: parseKb(status, "VmRSS"), pssKb: parseKb(rollup, "Pss") };
}

/** The first line of a pid file (Postgres' `postmaster.pid`), if the file and that process exist. */
export function pidFromFile(path: string): number | undefined {
  const pid = Number((readOrUndefined(path) ?? "").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 && readOrUndefined(`/proc/${pid}/stat`) ? pid : undefined;
}

/**
 * Process name → its PIDs (itself and descendants), for everything of ours that is alive.
 * `detached` names pid files of processes that left their parent's tree but belong to it: Patroni
 * starts the postmaster detached, so a member's Postgres is found through its `postmaster.pid`.
 * A process registered under its own name counts there, not under the one that spawned it (the
 * supervisor is the parent of every app and worker pool it starts).
 */
export function productProcesses(
  pidFile: string,
  detached: Record<string, string> = {},
): Map<string, number[]> {
  const records = readRegistry(pidFile).filter(isOurs);
  const registered = new Set(records.map((r) => r.pid));
  const seen = new Set<number>();
  const out = new Map<string, number[]>();
  for (const rec of records) {
    const extra = detached[rec.name] ? pidFromFile(detached[rec.name] as string) : undefined;
    const roots = extra === undefined ? [rec.pid] : [rec.pid, extra];
    const others = new Set([...registered].filter((p) => p !== rec.pid));
    const pids = roots.flatMap((r) => [r, ...descendants(r, others)]).filter((p) => !seen.has(p));
    for (const p of pids) seen.add(p);
    out.set(rec.name, pids);
  }
  return out;
}

export interface Sample {
  atTicks: number;
  byName: Map<string, Map<number, ProcSnapshot>>;
}

export function sample(processes: Map<string, number[]>): Sample {
  const s: Sample = { atTicks: nowTicks(), byName: new Map() };
  for (const [name, pids] of processes) {
    const m = new Map<number, ProcSnapshot>();
    for (const pid of pids) {
      const snap = snapshotPid(pid);
      if (snap) m.set(pid, snap);
    }
    s.byName.set(name, m);
  }
  return s;
}

/**
 * Per-process CPU over [before, after] and memory at `after`. A PID first seen at `after` counts
 * from zero when it was born inside the window; one that was already running but not yet listed
 * (a new child found late) is left out rather than guessed.
 */
export function usageBetween(
  before: Sample,
  after: Sample,
  windowMs: number,
  hz = ticksPerSecond(),
): ProcessUsage[] {
  const out: ProcessUsage[] = [];
  for (const [name, end] of after.byName) {
    const start = before.byName.get(name) ?? new Map<number, ProcSnapshot>();
    let ticks = 0;
    let rssKb = 0;
    let pssKb = 0;
    for (const [pid, e] of end) {
      const s = start.get(pid);
      if (s && s.startTicks === e.startTicks) ticks += Math.max(0, e.ticks - s.ticks);
      else if (e.startTicks >= before.atTicks) ticks += e.ticks;
      rssKb += e.rssKb;
      pssKb += e.pssKb;
    }
    const cpuSeconds = ticks / hz;
    out.push({
      name,
      cpuSeconds,
      cpuSecondsPerMinute: windowMs > 0 ? (cpuSeconds * 60_000) / windowMs : 0,
      cores: windowMs > 0 ? cpuSeconds / (windowMs / 1000) : 0,
      rssMb: rssKb / 1024,
      pssMb: pssKb / 1024,
      pids: end.size,
    });
  }
  return out.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}

export interface CpuWindow {
  /** Ends the window: per-process CPU since it began (memory as at the end). */
  stop(): { windowMs: number; processes: ProcessUsage[] };
}

/**
 * CPU of every product process from now until `stop()`: what one timed load cost, process by
 * process (the registry is read again at the end, so a process restarted meanwhile still counts).
 */
export function cpuWindow(pidFile: string, detached: Record<string, string> = {}): CpuWindow {
  const before = sample(productProcesses(pidFile, detached));
  const t0 = Date.now();
  return {
    stop() {
      const after = sample(productProcesses(pidFile, detached));
      const windowMs = Date.now() - t0;
      return { windowMs, processes: usageBetween(before, after, windowMs) };
    },
  };
}
