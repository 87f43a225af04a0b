/**
 * Talking to the supervisor from other processes: its files in the state folder, the holds that
 * keep it from restarting a process stopped on purpose, and the spawn request `startServices`
 * sends so the supervisor becomes the parent of what it watches.
 *
 *   <stateDir>/supervisor.sock        HTTP over a Unix socket: POST /spawn/<name>, GET /healthz
 *   <stateDir>/supervisor.json        restarts, last exit, state per process (written by it)
 *   <stateDir>/supervisor-holds.json  names it must leave down (written by chaos, drills, tests)
 */
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { writeJsonFile } from "../processes/json-file.ts";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { startProcess } from "../processes/spawn.ts";
import { waitFor } from "../processes/wait.ts";
import { REPO_ROOT, type Topology } from "../topology.ts";
import type { AutoscalerState } from "../autoscaler/autoscaler.ts";
import type { ExitRecord, SupervisedState } from "@agora/config/ops-contract";

export const SUPERVISOR = "supervisor";

export const supervisorSocket = (t: Topology) => join(t.stateDir, "supervisor.sock");
export const supervisorStateFile = (t: Topology) => join(t.stateDir, "supervisor.json");
const holdsFile = (t: Topology) => join(t.stateDir, "supervisor-holds.json");

export type { ExitRecord, SupervisedState };

export interface SupervisedProcess {
  name: string;
  state: SupervisedState;
  /** Restarts since the supervisor started. */
  restarts: number;
  /** When each recent restart happened (ms), for the crash-loop window. */
  restartTimes: number[];
  lastExit?: ExitRecord;
  /** From the exit being noticed to the restarted process answering its health path. */
  lastRestartMs?: number;
}

export interface SupervisorState {
  pid: number;
  startedAt: string;
  updatedAt: string;
  processes: Record<string, SupervisedProcess>;
  /** The autoscaler loop's targets, bounded decision history and samples (autoscaler/). */
  autoscaler?: AutoscalerState;
}

export function readSupervisorState(t: Topology): SupervisorState | undefined {
  const file = supervisorStateFile(t);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as SupervisorState;
}

export function writeSupervisorState(t: Topology, s: SupervisorState): void {
  writeJsonFile(supervisorStateFile(t), s);
}

export function heldProcesses(t: Topology): Set<string> {
  const file = holdsFile(t);
  if (!existsSync(file)) return new Set();
  return new Set(JSON.parse(readFileSync(file, "utf8")) as string[]);
}

/** The supervisor leaves `name` down until released (a deliberate kill, a drill, `npm stop`). */
export function holdSupervision(t: Topology, name: string): void {
  const held = heldProcesses(t);
  if (held.has(name)) return;
  held.add(name);
  writeJsonFile(holdsFile(t), [...held].sort());
}

export function releaseSupervision(t: Topology, name: string): void {
  const held = heldProcesses(t);
  if (!held.delete(name)) return;
  writeJsonFile(holdsFile(t), [...held].sort());
}

function call(
  t: Topology,
  method: "GET" | "POST",
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: supervisorSocket(t), method, path, timeout: timeoutMs },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`supervisor: no answer within ${timeoutMs} ms`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      // No supervisor listening: the caller starts the process itself.
      if (err.code === "ENOENT" || err.code === "ECONNREFUSED") resolve(undefined);
      else reject(err);
    });
    req.end();
  });
}

/**
 * Switches the supervisor's autoscaler on or off (a spike run without autoscaling, the console).
 * False when no supervisor runs.
 */
export async function setAutoscaling(t: Topology, enabled: boolean): Promise<boolean> {
  const rec = readRegistry(t.pidFile).find((r) => r.name === SUPERVISOR);
  if (!rec || !isOurs(rec)) return false;
  const res = await call(t, "POST", `/autoscaler/${enabled ? "on" : "off"}`, 5_000);
  if (!res) return false;
  if (res.status !== 200)
    throw new Error(
      `supervisor refused autoscaling ${enabled ? "on" : "off"}: ${res.status} ${res.body}`,
    );
  return true;
}

/**
 * For waitFor's `exited`: set once the supervisor stopped restarting `name` (a crash loop). Before
 * that an exit is one it restarts from, so a wait for readiness goes on.
 */
export function supervisorGaveUp(t: Topology, name: string): string | undefined {
  const p = readSupervisorState(t)?.processes[name];
  if (p?.state !== "gave-up") return undefined;
  const code = p.lastExit?.code;
  const last = p.lastExit?.signal ?? (typeof code === "number" ? `code ${code}` : "unknown");
  return `crash-looped (last exit: ${last}) and the supervisor gave up restarting it`;
}

/**
 * Asks a running supervisor to spawn `name`; false when none runs or it does not know the name.
 * The timeout covers its wait for the fault proxy (30 s) before spawning.
 */
export async function spawnUnderSupervisor(t: Topology, name: string): Promise<boolean> {
  const rec = readRegistry(t.pidFile).find((r) => r.name === SUPERVISOR);
  if (!rec || !isOurs(rec)) return false;
  const res = await call(t, "POST", `/spawn/${encodeURIComponent(name)}`, 45_000);
  if (!res || res.status === 404) return false;
  if (res.status !== 200)
    throw new Error(`supervisor could not spawn ${name}: ${res.status} ${res.body}`);
  return true;
}

/**
 * Starts the supervisor (detached, in its own session: it outlives the terminal of `npm start`)
 * unless one runs, and waits until it answers. It restarts processes and keeps the gateway's
 * membership in step with the registry; with `gatewaySync: false` it only restarts processes and
 * leaves HAProxy's routing as configured.
 */
export async function startSupervisor(
  t: Topology,
  opts: { gatewaySync?: boolean } = {},
): Promise<void> {
  const rec = readRegistry(t.pidFile).find((r) => r.name === SUPERVISOR);
  if (rec && isOurs(rec)) return;
  const logFile = join(t.logDir, `${SUPERVISOR}.log`);
  startProcess(t.pidFile, {
    name: SUPERVISOR,
    kind: "app",
    command: process.execPath,
    args: ["--import", "tsx", join(REPO_ROOT, "infra/local/src/supervisor/supervisor-process.ts")],
    cwd: REPO_ROOT,
    logFile,
    env: {
      AGORA_PROFILE: t.profile.name,
      AGORA_STATE_DIR: t.stateDir,
      ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
      ...(opts.gatewaySync === false ? { AGORA_GATEWAY_SYNC: "off" } : {}),
    },
    match: "supervisor-process",
  });
  await waitFor(
    "supervisor socket",
    async () => (await call(t, "GET", "/healthz", 1000))?.status === 200,
    { timeoutMs: 30_000, process: SUPERVISOR, logFile },
  );
}
