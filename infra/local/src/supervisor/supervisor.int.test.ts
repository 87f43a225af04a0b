/**
 * The supervisor against real processes of the test topology: each supervised kind (a Next.js
 * storefront, a worker pool, the payment simulator, the telemetry collector, the media origin) is
 * SIGKILLed and must come back, answer its readiness check, and show the restart and the signal
 * in `getStatus`. A held process (a deliberate kill) stays down until it is started again.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceByName, type ServiceSpec, startServices } from "../apps.ts";
import { isOurs, type ProcessRecord, readRegistry } from "../processes/registry.ts";
import { waitFor } from "../processes/wait.ts";
import { getStatus } from "../status/index.ts";
import { REPO_ROOT, topology } from "../topology.ts";
import { holdSupervision, readSupervisorState, startSupervisor, SUPERVISOR } from "./control.ts";

const t = topology("test");

/** Where each kind answers "ready": its own /readyz, a worker's ops port, or the origin's /healthz. */
const READY: Record<string, () => string> = {
  "storefront-1": () => `http://${t.host}:${t.apps.storefront[0]}/readyz`,
  "workers-sagas": () => `http://${t.host}:${t.apps.workerMetrics.sagas}/readyz`,
  "payment-sim": () => `http://${t.host}:${t.apps.paymentSim}/readyz`,
  "telemetry-collector": () => `http://${t.host}:${t.apps.telemetryCollector}/readyz`,
  "media-origin": () => `http://${t.host}:${t.apps.mediaOrigin}/healthz`,
};
// `next start` serves a build: without one (a fresh checkout before `npm start`) the Next.js kind
// is left out, and says so, rather than failing on a missing .next folder.
const storefrontBuilt = existsSync(join(REPO_ROOT, "apps/storefront/.next/BUILD_ID"));
if (!storefrontBuilt)
  process.stdout.write("supervisor test: no storefront build, Next.js kind left out\n");
const NAMES = Object.keys(READY).filter((n) => storefrontBuilt || n !== "storefront-1");

const record = (name: string): ProcessRecord | undefined =>
  readRegistry(t.pidFile).find((r) => r.name === name && isOurs(r));

async function ready(name: string): Promise<boolean> {
  const res = await fetch(READY[name]!(), { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

function stop(name: string): void {
  const rec = record(name);
  if (rec) process.kill(rec.pid, "SIGTERM");
}

beforeAll(async () => {
  // Restarts only: the gateway sync would route the shared test HAProxy by this test's instances
  // and leave it so for the tests after it (it has its own test, with its own HAProxy).
  await startSupervisor(t, { gatewaySync: false });
  const specs = NAMES.map((n) => serviceByName(t, n)).filter((s): s is ServiceSpec => !!s);
  await startServices(t, specs);
  for (const name of NAMES)
    await waitFor(`${name} ready`, () => ready(name), { timeoutMs: 120_000, process: name });
}, 400_000);

afterAll(async () => {
  // The supervisor first, or it would restart what this stops.
  stop(SUPERVISOR);
  await waitFor("supervisor gone", async () => !record(SUPERVISOR), {
    timeoutMs: 10_000,
    process: SUPERVISOR,
  });
  for (const name of NAMES) stop(name);
}, 30_000);

describe("supervisor", () => {
  const restartTimes: Record<string, number> = {};

  it.each(NAMES)(
    "restarts %s after SIGKILL: ready again, restart counted with the signal",
    async (name) => {
      const before = record(name);
      expect(before, `${name} runs`).toBeDefined();
      const restartsBefore = readSupervisorState(t)?.processes[name]?.restarts ?? 0;
      const killedAt = Date.now();
      process.kill(before!.pid, "SIGKILL");

      await waitFor(
        `${name} restarted and ready`,
        async () => {
          const now = record(name);
          return !!now && now.pid !== before!.pid && (await ready(name));
        },
        { timeoutMs: 120_000, intervalMs: 100, process: name },
      );
      restartTimes[name] = Date.now() - killedAt;

      const sup = readSupervisorState(t)?.processes[name];
      expect(sup?.restarts).toBe(restartsBefore + 1);
      expect(sup?.lastExit?.signal).toBe("SIGKILL");
      const node = (await getStatus(t)).nodes.find((n) => n.name === name);
      expect(node).toMatchObject({
        health: "up",
        restarts: restartsBefore + 1,
        supervision: "running",
      });
      expect(node?.detail).toContain("last exit SIGKILL");
    },
    150_000,
  );

  it("leaves a held process down (a deliberate kill) until it is started again", async () => {
    const name = "workers-sagas";
    const before = record(name);
    holdSupervision(t, name);
    process.kill(before!.pid, "SIGKILL");
    await waitFor(
      `${name} noticed as held`,
      async () => readSupervisorState(t)?.processes[name]?.state === "held",
      { timeoutMs: 10_000, process: SUPERVISOR },
    );
    // Longer than the first backoff step (≤ 500 ms) plus a poll: a restart would have happened.
    await new Promise((r) => setTimeout(r, 3000));
    expect(record(name)).toBeUndefined();

    await startServices(t, [serviceByName(t, name)!]);
    await waitFor(`${name} ready`, () => ready(name), { timeoutMs: 60_000, process: name });
    expect(readSupervisorState(t)?.processes[name]?.state).toBe("running");
  }, 120_000);

  afterAll(() => {
    process.stdout.write(`restart times (SIGKILL → ready): ${JSON.stringify(restartTimes)}\n`);
  });
});
