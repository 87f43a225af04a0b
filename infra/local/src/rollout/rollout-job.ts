/**
 * A rollout started from the console: the `deploy` CLI as a detached, bounded process of the
 * topology (it ends when the release is stable or rolled back), logging to `<logDir>/rollout.log`.
 */
import { join } from "node:path";
import { isAlive, readRegistry } from "../processes/registry.ts";
import { startProcess } from "../processes/spawn.ts";
import { REPO_ROOT, type Topology } from "../topology.ts";

export const ROLLOUT_JOB = "rollout-job";

export function rolloutJobRunning(t: Topology): boolean {
  const rec = readRegistry(t.pidFile).find((r) => r.name === ROLLOUT_JOB);
  return rec !== undefined && isAlive(rec.pid);
}

export function startRolloutJob(t: Topology, o: { strategy: string; version: string; productReadFaultRate: number }): void {
  if (rolloutJobRunning(t)) throw new Error("a rollout is already running");
  const entry = join(REPO_ROOT, "infra/local/src/cli/deploy.ts");
  startProcess(t.pidFile, {
    name: ROLLOUT_JOB,
    kind: "app",
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      entry,
      "--strategy",
      o.strategy,
      "--version",
      o.version,
      ...(o.productReadFaultRate > 0 ? ["--fault", `product-read=${o.productReadFaultRate}`] : []),
      "--profile",
      t.profile.name,
    ],
    cwd: REPO_ROOT,
    logFile: join(t.logDir, "rollout.log"),
    env: {
      AGORA_STATE_DIR: t.stateDir,
      ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
    },
    match: entry,
  });
}
