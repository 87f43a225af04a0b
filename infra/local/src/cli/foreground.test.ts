import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ProcessRecord, startTicksOf, writeRegistry } from "../processes/registry.ts";
import { markStopping, stayInForeground, stopInProgress } from "./foreground.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), "agora-foreground-"));
  dirs.push(d);
  return d;
}

/** A long-running stand-in for an app, registered like the launcher registers one. */
function app(name: string, dir: string): { rec: ProcessRecord; child: ChildProcess } {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  children.push(child);
  const pid = child.pid!;
  return {
    child,
    rec: { name, kind: "app", pid, match: "sleep", logFile: join(dir, `${name}.log`), startTicks: startTicksOf(pid), startedAt: new Date().toISOString() },
  };
}

const exited = (c: ChildProcess) => new Promise<void>((resolve) => c.once("exit", () => resolve()));
const until = async (f: () => boolean) => {
  while (!f()) await new Promise((r) => setTimeout(r, 20));
};

describe("npm start in the foreground", () => {
  it("reports an app that crashes, and leaves with a message once npm stop stopped everything", async () => {
    const dir = stateDir();
    const pidFile = join(dir, "pids.json");
    const a = app("storefront-1", dir);
    const b = app("workers-sagas", dir);
    writeRegistry(pidFile, [a.rec, b.rec]);
    const lines: string[] = [];
    let done = false;
    const watching = stayInForeground({ pidFile, stateDir: dir, say: (l) => lines.push(l), pollMs: 25 }).then(() => {
      done = true;
    });

    // A crash (no stop in progress) is reported with the log's end.
    a.child.kill("SIGKILL");
    await exited(a.child);
    await until(() => lines.some((l) => l.startsWith("✖ storefront-1 exited")));
    expect(done).toBe(false);

    // npm stop from another terminal: its apps are not crashes, and the terminal leaves.
    const unmark = markStopping(dir);
    expect(stopInProgress(dir)).toBe(true);
    b.child.kill("SIGTERM");
    await exited(b.child);
    await watching;
    unmark();
    expect(lines.some((l) => l.includes("workers-sagas exited"))).toBe(false);
    expect(lines).toContain("▸ npm stop is stopping this topology; leaving once it is down …");
    expect(lines.at(-1)).toBe("✔ everything was stopped (npm stop); leaving");
    expect(stopInProgress(dir)).toBe(false);
  });

  it("ignores a stop marker whose npm stop is no longer running", async () => {
    const dir = stateDir();
    const stopper = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(stopper);
    writeFileSync(join(dir, "stopping"), String(stopper.pid));
    expect(stopInProgress(dir)).toBe(true);
    stopper.kill("SIGKILL");
    await exited(stopper);
    expect(stopInProgress(dir)).toBe(false);
  });

  it("says an app the autoscaler scaled in was stopped on purpose, not that it crashed", async () => {
    const dir = stateDir();
    const pidFile = join(dir, "pids.json");
    const a = app("storefront-3", dir);
    const b = app("workers-sagas", dir);
    writeRegistry(pidFile, [a.rec, b.rec]);
    const lines: string[] = [];
    const watching = stayInForeground({ pidFile, stateDir: dir, say: (l) => lines.push(l), pollMs: 25 });
    // The supervisor marks the instance retired before it sends SIGTERM.
    writeFileSync(
      join(dir, "supervisor.json"),
      JSON.stringify({ processes: { "storefront-3": { name: "storefront-3", state: "retired", restarts: 0, restartTimes: [] } } }),
    );
    a.child.kill("SIGTERM");
    await exited(a.child);
    await until(() => lines.some((l) => l.includes("storefront-3")));
    expect(lines.find((l) => l.includes("storefront-3"))).toMatch(/^◦ storefront-3 stopped by the autoscaler/);
    expect(lines.some((l) => l.startsWith("✖"))).toBe(false);
    const unmark = markStopping(dir);
    b.child.kill("SIGTERM");
    await exited(b.child);
    await watching;
    unmark();
  });
});
