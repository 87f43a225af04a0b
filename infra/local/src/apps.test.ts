import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serviceLogFile, type ServiceSpec, waitServiceReady } from "./apps.ts";
import { exitOf, spawnDetached } from "./processes/spawn.ts";
import { topology } from "./topology.ts";
import { freePort } from "./processes/free-port.ts";

const dir = mkdtempSync(join(tmpdir(), "agora-apps-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("waitServiceReady", () => {
  it("fails at once, with the exit code and the log's last lines, when the process exits before it is ready", async () => {
    const t = { ...topology(), logDir: dir, pidFile: join(dir, "pids.json") };
    const s: ServiceSpec = {
      name: "crashes-on-start",
      args: [],
      cwd: dir,
      port: await freePort(topology().host),
      healthPath: "/healthz",
      match: "crashes-on-start",
    };
    const { child } = spawnDetached(t.pidFile, {
      name: s.name,
      kind: "app",
      command: process.execPath,
      args: ["-e", "console.error('DATABASE_URL is not set'); process.exit(3)"],
      logFile: serviceLogFile(t, s),
    });
    // A 60-s wait: only the exit can end it within the test's timeout.
    const wait = waitServiceReady(t, s, 60_000, () => exitOf(child));
    await expect(wait).rejects.toThrow(
      /crashes-on-start: exited with code 3 while waiting[\s\S]*DATABASE_URL is not set/,
    );
  });
});
