/**
 * What the `npm start` terminal does once everything is up: it stays in the foreground, reports
 * an app that dies (with the end of its log), and leaves with exit code 0 once its topology was
 * stopped from elsewhere (`npm stop`). `npm stop` leaves a marker in the state folder while it
 * works, so the apps it stops are not reported as crashes.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, isOurs, readRegistry } from "../processes/registry.ts";
import { tail } from "../processes/wait.ts";

const markerOf = (stateDir: string) => join(stateDir, "stopping");

/** Announces a stop in progress until the returned function is called (holds the stopper's pid). */
export function markStopping(stateDir: string): () => void {
  const marker = markerOf(stateDir);
  if (!existsSync(stateDir)) return () => undefined;
  writeFileSync(marker, String(process.pid));
  return () => rmSync(marker, { force: true });
}

/** True while a live `npm stop` is stopping this topology (a marker left by a killed one is ignored). */
export function stopInProgress(stateDir: string): boolean {
  const marker = markerOf(stateDir);
  if (!existsSync(marker)) return false;
  const pid = Number(readFileSync(marker, "utf8"));
  return Number.isInteger(pid) && pid > 0 && isAlive(pid);
}

export interface ForegroundOptions {
  pidFile: string;
  stateDir: string;
  say: (line: string) => void;
  pollMs?: number;
}

/** What the supervisor wrote about each process (`<stateDir>/supervisor.json`), if it runs. */
function supervisedStates(stateDir: string): Record<string, string> {
  const file = join(stateDir, "supervisor.json");
  if (!existsSync(file)) return {};
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as { processes?: Record<string, { state?: string }> };
    return Object.fromEntries(Object.entries(s.processes ?? {}).map(([name, p]) => [name, p.state ?? ""]));
  } catch {
    return {}; // a write in progress: the next poll reads it
  }
}

/** One line about an app that is no longer running: a scale-in and a deliberate stop are not crashes. */
export function exitLine(name: string, state: string | undefined, logFile: string): string {
  if (state === "retired") return `◦ ${name} stopped by the autoscaler (scaled in, or a pool with nothing to do asleep); it starts again when needed`;
  if (state === "held") return `◦ ${name} stopped on purpose (a drill or the chaos page holds it down)`;
  const restarts = state === "restarting" || state === "running" ? " — the supervisor restarts it" : "";
  return `✖ ${name} exited${restarts}; last lines of ${logFile}:\n${tail(logFile)}`;
}

/** Resolves once nothing the registry lists runs any more. */
export async function stayInForeground(opts: ForegroundOptions): Promise<void> {
  const reported = new Set<string>();
  let announced = false;
  for (;;) {
    await sleep(opts.pollMs ?? 2000);
    const stopping = stopInProgress(opts.stateDir);
    if (stopping && !announced) {
      announced = true;
      opts.say("▸ npm stop is stopping this topology; leaving once it is down …");
    }
    const records = readRegistry(opts.pidFile);
    if (!records.some((rec) => isOurs(rec))) {
      opts.say("✔ everything was stopped (npm stop); leaving");
      return;
    }
    const states = supervisedStates(opts.stateDir);
    for (const rec of records.filter((x) => x.kind === "app")) {
      if (isOurs(rec)) {
        reported.delete(rec.name); // running again (restarted or scaled out): its next exit is news
        continue;
      }
      if (reported.has(rec.name)) continue;
      reported.add(rec.name);
      if (!stopping) opts.say(exitLine(rec.name, states[rec.name], rec.logFile));
    }
  }
}
