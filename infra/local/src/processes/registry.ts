/**
 * PID registry: every process the launcher starts is recorded in `<stateDir>/pids.json`, so
 * `npm stop` can stop what a crashed `npm start` left behind. A PID is only trusted while its
 * /proc cmdline still names what we started (PIDs are reused by the kernel).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type ProcessKind = "etcd" | "patroni" | "haproxy" | "redis" | "sentinel" | "app";

export interface ProcessRecord {
  name: string;
  kind: ProcessKind;
  pid: number;
  port?: number;
  logFile: string;
  /** A substring of /proc/<pid>/cmdline that identifies this process. */
  match: string;
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

/** Alive and still the process we started (not a zombie, not a reused PID). */
export function isOurs(rec: Pick<ProcessRecord, "pid" | "match">): boolean {
  const cl = cmdline(rec.pid);
  if (!cl || !cl.includes(rec.match)) return false;
  try {
    const stat = readFileSync(`/proc/${rec.pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
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

/** Direct children of a process (used to sum a Patroni member's Postgres processes). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    let kids = "";
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) {
      out.push(k);
      stack.push(k);
    }
  }
  return out;
}
