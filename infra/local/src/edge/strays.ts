/**
 * Edge processes left behind by a crashed instance. nginx's workers do not die with their master:
 * a SIGKILLed master leaves them serving the shared port with a cache nobody manages, and a fresh
 * instance would start beside them. Every edge process carries a tag in its environment (inherited
 * by its workers), so they are found by instance and state folder — never by a program's name,
 * which other people's processes on this machine share.
 */
import { readdirSync, readFileSync } from "node:fs";

export const EDGE_INSTANCE_ENV = "AGORA_EDGE_INSTANCE";

/** The tag value: the instance within its state folder (two topologies may both run `cdn-1`). */
export const edgeTag = (stateDir: string, name: string): string => `${stateDir}#${name}`;

function environ(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Gone meanwhile, or not ours to read.
    if (code === "ENOENT" || code === "EACCES" || code === "ESRCH") return undefined;
    throw err;
  }
}

/** PIDs of live processes tagged with `tag`, except `exclude` (e.g. the instance's running master). */
export function taggedProcesses(tag: string, exclude: readonly number[] = []): number[] {
  const needle = `\0${EDGE_INSTANCE_ENV}=${tag}\0`;
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => pid !== process.pid && !exclude.includes(pid))
    .filter((pid) => `\0${environ(pid) ?? ""}`.includes(needle));
}

/** SIGKILLs what a dead instance left behind; returns the PIDs it killed. */
export function killStrays(tag: string, exclude: readonly number[] = []): number[] {
  const pids = taggedProcesses(tag, exclude);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
  return pids;
}
