/**
 * PID registry: every process the launcher starts is recorded in `<stateDir>/pids.json`, so
 * `npm stop` can stop what a crashed `npm start` left behind. A PID is only trusted while its
 * /proc cmdline still names what we started (PIDs are reused by the kernel).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type ProcessKind = "etcd" | "patroni" | "haproxy" | "nginx" | "redis" | "sentinel" | "app";

export interface ProcessRecord {
  name: string;
  kind: ProcessKind;
  pid: number;
  port?: number;
  logFile: string;
  /** A substring of /proc/<pid>/cmdline that identifies this process. */
  match: string;
  /**
   * Kernel start time of the process (clock ticks since boot). PID + start time identifies a
   * process even when it rewrites its own title (Next.js does) and after PID reuse.
   */
  startTicks?: number;
  startedAt: string;
}

export function readRegistry(pidFile: string): ProcessRecord[] {
  if (!existsSync(pidFile)) return [];
  return JSON.parse(readFileSync(pidFile, "utf8")) as ProcessRecord[];
}

export function writeRegistry(pidFile: string, records: ProcessRecord[]): void {
  mkdirSync(dirname(pidFile), { recursive: true });
  const tmp = `${pidFile}.tmp`;
  writeFileSync(tmp, JSON.stringify(records, null, 2));
  renameSync(tmp, pidFile);
}

export function upsertRecord(pidFile: string, rec: ProcessRecord): void {
  const all = readRegistry(pidFile).filter((r) => r.name !== rec.name);
  all.push(rec);
  writeRegistry(pidFile, all);
}

export function removeRecord(pidFile: string, name: string): void {
  writeRegistry(
    pidFile,
    readRegistry(pidFile).filter((r) => r.name !== name),
  );
}

export function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function procStat(pid: number): { state: string; startTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0] ?? "", startTicks: Number(rest[19]) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function startTicksOf(pid: number): number | undefined {
  return procStat(pid)?.startTicks;
}

/** Alive and still the process we started (not a zombie, not a reused PID). */
export function isOurs(rec: Pick<ProcessRecord, "pid" | "match" | "startTicks">): boolean {
  const st = procStat(rec.pid);
  if (!st || st.state === "Z") return false;
  if (rec.startTicks !== undefined) return st.startTicks === rec.startTicks;
  const cl = cmdline(rec.pid);
  return !!cl && cl.includes(rec.match);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    if ((err as NodeJS.ErrnoException).code === "EPERM") return true;
    throw err;
  }
}

/** Resident set size in kB from /proc, 0 when the process is gone. */
export function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) : 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
}

/**
 * Every descendant of a process (e.g. a Patroni member's Postgres processes), leaving out, with
 * their own children, those in `prune` (processes counted under names of their own: the
 * supervisor is the parent of every app it runs).
 */
export function descendants(pid: number, prune: ReadonlySet<number> = new Set()): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    let kids = "";
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8");
    } catch (err) {
      // Gone between being listed and being read: it has no children left.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ESRCH") throw err;
    }
    for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) {
      if (prune.has(k)) continue;
      out.push(k);
      stack.push(k);
    }
  }
  return out;
}
