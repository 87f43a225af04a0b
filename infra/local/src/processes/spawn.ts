import { type ChildProcess, spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { chownSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { type ProcessKind, type ProcessRecord, startTicksOf, upsertRecord } from "./registry.ts";

export interface StartSpec {
  name: string;
  kind: ProcessKind;
  command: string;
  args: string[];
  logFile: string;
  port?: number;
  env?: Record<string, string>;
  cwd?: string;
  /** Run as the unprivileged `postgres` user when we are root (Postgres refuses to run as root). */
  asPostgres?: boolean;
  match?: string;
}

let cachedPgUser: { uid: number; gid: number } | undefined;

export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (!cachedPgUser) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    cachedPgUser = { uid, gid };
  }
  return cachedPgUser;
}

/** Give a folder to the postgres user (no-op when not root). */
export function chownToPostgres(path: string): void {
  const u = postgresUser();
  if (u) chownSync(path, u.uid, u.gid);
}

/**
 * Starts a long-running server detached in its own session (Ctrl-C in the terminal does not reach
 * it directly; the launcher stops things in a safe order instead), output appended to its log.
 */
export function startProcess(pidFile: string, spec: StartSpec): ProcessRecord {
  return spawnDetached(pidFile, spec).record;
}

/**
 * `startProcess`, keeping the child handle: its parent (the supervisor) learns the exit code or
 * signal from it the moment the process dies, instead of finding the PID gone on its next poll.
 */
export function spawnDetached(
  pidFile: string,
  spec: StartSpec,
): { record: ProcessRecord; child: ChildProcess } {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, "a");
  const user = spec.asPostgres ? postgresUser() : undefined;
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ["ignore", fd, fd],
    cwd: spec.cwd,
    env: {
      ...process.env,
      ...(user ? { HOME: "/var/lib/postgresql", USER: "postgres", LOGNAME: "postgres" } : {}),
      ...spec.env,
    },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  closeSync(fd);
  if (child.pid === undefined) {
    throw new Error(`could not start ${spec.name} (${spec.command}); see ${spec.logFile}`);
  }
  child.on("error", (err) => {
    process.stderr.write(`[${spec.name}] failed to start: ${err.message} (log: ${spec.logFile})\n`);
  });
  child.unref();
  const rec: ProcessRecord = {
    name: spec.name,
    kind: spec.kind,
    pid: child.pid,
    port: spec.port,
    logFile: spec.logFile,
    match: spec.match ?? spec.command.split("/").pop() ?? spec.command,
    startTicks: startTicksOf(child.pid),
    startedAt: new Date().toISOString(),
  };
  upsertRecord(pidFile, rec);
  return { record: rec, child };
}

/** For waitFor's `exited`: how `child` ended ("exited with code 3"), undefined while it runs. */
export function exitOf(child: ChildProcess): string | undefined {
  if (child.signalCode !== null) return `was killed by ${child.signalCode}`;
  if (child.exitCode !== null) return `exited with code ${child.exitCode}`;
  return undefined;
}
