/**
 * The console's "Start a sale spike": `npm run spike` (tools/bench/src/spike) as a detached
 * process of this topology, one at a time (its PID in `<state>/spike/running.json`), bounded
 * like the CLI. Its progress and result land in `<state>/spike/` where `spikeStatus` reads them.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cmdline } from "../processes/registry.ts";
import { REPO_ROOT, type Topology } from "../topology.ts";

export interface SpikeRequest {
  durationS: number;
  connections: number;
  shoppers: number;
  autoscale: boolean;
}

export class SpikeRunningError extends Error {
  readonly code = "SPIKE_RUNNING";
  constructor(pid: number) {
    super(`a sale spike is already running (pid ${pid})`);
  }
}

const dir = (t: Topology) => join(t.stateDir, "spike");
const runningFile = (t: Topology) => join(dir(t), "running.json");

/** The running spike's PID, if its process still is the spike. */
export function runningSpike(t: Topology): number | undefined {
  if (!existsSync(runningFile(t))) return undefined;
  const { pid } = JSON.parse(readFileSync(runningFile(t), "utf8")) as { pid: number };
  return cmdline(pid)?.includes("spike/cli.ts") ? pid : undefined;
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (err) {
    // Read while being replaced: the next poll gets it whole.
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

export function spikeStatus(t: Topology): { running: boolean; progress: unknown; latest: unknown } {
  return {
    running: runningSpike(t) !== undefined,
    progress: readJson(join(dir(t), "progress.json")),
    latest: readJson(join(dir(t), "latest.json")),
  };
}

export function startSpike(t: Topology, req: SpikeRequest): number {
  const pid = runningSpike(t);
  if (pid !== undefined) throw new SpikeRunningError(pid);
  mkdirSync(dir(t), { recursive: true });
  const log = openSync(join(dir(t), "spike.log"), "w");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(REPO_ROOT, "tools/bench/src/spike/cli.ts"),
      "--duration",
      String(req.durationS),
      "--connections",
      String(req.connections),
      "--shoppers",
      String(req.shoppers),
      "--profile",
      t.profile.name,
      ...(req.autoscale ? [] : ["--no-autoscale"]),
    ],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        AGORA_PROFILE: t.profile.name,
        AGORA_STATE_DIR: t.stateDir,
        ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
      },
    },
  );
  closeSync(log);
  if (child.pid === undefined) throw new Error("the spike process did not start");
  child.unref();
  writeFileSync(runningFile(t), JSON.stringify({ pid: child.pid, startedAt: new Date().toISOString(), ...req }));
  return child.pid;
}
