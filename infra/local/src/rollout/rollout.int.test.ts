/**
 * Canary and blue-green releases end to end with real processes: a real HAProxy (the generated
 * edge config), the test topology's etcd as service registry, the gateway sync as the supervisor
 * runs it (weights from the rollout's traffic split), the rollout controller, and storefront
 * stand-ins (testing/release-stand-in.ts: the real fault flag, registry self-registration and
 * drain, tRPC RED metrics) as separate processes — while a shopper loop runs through the gateway.
 *
 * Accounting of the canary's failed product reads: a shopper whose product read fails retries it
 * once (a retry lands on the stable set with (100 - w) % probability) and only then gives up the
 * checkout; every failed read is checked to come from the canary release, and checkouts must not
 * fail at all.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { etcdSchema, loadConfig } from "@agora/config";
import { registryClient } from "@agora/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haproxyRuntimeSocket } from "../config/haproxy.ts";
import { GatewaySync } from "../gateway/gateway-sync.ts";
import { serversState } from "../gateway/runtime-api.ts";
import { readRegistry } from "../processes/registry.ts";
import { startProcess } from "../processes/spawn.ts";
import { freePort } from "../processes/free-port.ts";
import { type PrivateHaproxy, startPrivateHaproxy } from "../testing/private-haproxy.ts";
import type { Topology } from "../topology.ts";
import { RolloutController } from "./controller.ts";
import { localPlatform } from "./local-platform.ts";
import { rolloutWeights } from "./release-env.ts";
import { readRolloutState, releaseSpecSchema, writeTrafficSplit } from "./rollout-state.ts";
import { strategySteps } from "./strategy.ts";

const STAND_IN = fileURLToPath(new URL("./testing/release-stand-in.ts", import.meta.url));
const TOKEN = randomBytes(24).toString("hex");
const PRODUCT = `/api/trpc/catalog.product?input=${encodeURIComponent(JSON.stringify({ productId: "00000000-0000-4000-8000-000000000001" }))}`;
const { etcd } = loadConfig({ etcd: etcdSchema });
const prefix = `${etcd.AGORA_ETCD_PREFIX}rollout-test-${randomBytes(4).toString("hex")}/`;
const endpoints = etcd.AGORA_ETCD_ENDPOINTS;

let dir: string;
let t: Topology;
let haproxy: PrivateHaproxy;
let sync: GatewaySync;
let gateway: string;
let platform: ReturnType<typeof localPlatform>;

const standInSpec = async (name: string, port: number, env: Record<string, string>) => ({
  name,
  kind: "app" as const,
  command: process.execPath,
  args: ["--import", "tsx", STAND_IN],
  cwd: process.cwd(),
  logFile: join(dir, "logs", `${name}.log`),
  port,
  match: STAND_IN,
  env: {
    HOST: "127.0.0.1",
    PORT: String(port),
    AGORA_SERVICE_NAME: name,
    AGORA_ETCD_ENDPOINTS: endpoints.join(","),
    AGORA_ETCD_PREFIX: prefix,
    AGORA_METRICS_TOKEN: TOKEN,
    ...env,
  },
});

/** A shopper loop through the gateway: product read (one retry), then checkout; counts outcomes. */
function shoppers(concurrency = 4) {
  const tally = { checkouts: 0, failedCheckouts: 0, reads: 0, failedReads: 0, failedReadsByRelease: new Map<string, number>(), servedBy: new Map<string, number>() };
  let running = true;
  const read = async (): Promise<boolean> => {
    tally.reads++;
    const r = await fetch(`${gateway}${PRODUCT}`, { signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer();
    const release = r.headers.get("x-release") ?? `status ${r.status}`;
    tally.servedBy.set(release, (tally.servedBy.get(release) ?? 0) + 1);
    if (r.ok) return true;
    tally.failedReads++;
    tally.failedReadsByRelease.set(release, (tally.failedReadsByRelease.get(release) ?? 0) + 1);
    return false;
  };
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const ok = (await read()) || (await read());
        const c = ok ? await fetch(`${gateway}/api/trpc/checkout.place`, { method: "POST", signal: AbortSignal.timeout(10_000) }) : undefined;
        await c?.arrayBuffer();
        if (c?.ok) tally.checkouts++;
        else tally.failedCheckouts++;
      } catch {
        tally.failedCheckouts++;
      }
    }
  });
  return {
    tally,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}

const versionsRegistered = async () => (await platform.members()).map((m) => `${m.instanceId}@${m.version}${m.ready ? "" : " (not ready)"}`).sort();

beforeAll(async () => {
  haproxy = await startPrivateHaproxy({
    tmpPrefix: "agora-rollout-",
    storefront: [],
    topology: (stateDir) => ({ pidFile: join(stateDir, "pids.json") }),
  });
  ({ dir, topology: t, gateway } = haproxy);
  sync = new GatewaySync(t, { etcd: { endpoints, prefix }, resyncMs: 1_000, log: () => {}, weights: rolloutWeights(t) });
  await sync.start();
  const stableInstances = [
    { name: "storefront-1", port: await freePort() },
    { name: "storefront-2", port: await freePort() },
  ];
  platform = localPlatform(t, {
    etcd: { endpoints, prefix },
    instanceSpec: standInSpec,
    stableInstances,
    metricsToken: TOKEN,
    previewPaths: [PRODUCT],
    readyTimeoutMs: 60_000,
    log: (l) => process.stdout.write(`[rollout] ${l}\n`),
  });
  writeTrafficSplit(dir, { stableVersion: "v1", canaryWeight: 0 });
  for (const s of stableInstances) startProcess(t.pidFile, await standInSpec(s.name, s.port, { AGORA_RELEASE: "v1" }));
  for (let i = 0; i < 300; i++) {
    const slots = (await serversState(haproxyRuntimeSocket(t), "storefront_gateway")).filter((s) => !s.maint && !s.drain);
    if (slots.length === 2) break;
    await sleep(200);
  }
}, 120_000);

afterAll(async () => {
  await sync?.stop();
  for (const r of t ? readRegistry(t.pidFile) : []) {
    try {
      process.kill(r.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await haproxy?.stop();
  platform?.close();
  const client = registryClient(endpoints);
  await client.delete().prefix(prefix);
  client.close();
});

const fast = { intervalMs: 1_500, count: 3, settleMs: 500, scaleDownDelayMs: 2_000 };
/**
 * Nobody promotes in these tests: a pause (an Inconclusive analysis) ends as an operator's timeout
 * after 20 s instead of holding the rollout for ten minutes past the test's own timeout, where it
 * would still move traffic while the next test's rollout runs.
 */
const unattended = { pollMs: 200, pauseTimeoutMs: 20_000 };
/** The rollout's own account, printed so a failure shows what the analysis saw. */
const printEvents = (label: string, state: { events: { at: string; message: string }[] }) =>
  process.stdout.write(`${label}:\n${state.events.map((e) => `  ${e.at.slice(11, 23)} ${e.message}`).join("\n")}\n`);

describe("rollouts through the gateway with automated analysis", () => {
  it("a canary of a release that fails 20 % of product reads fails analysis and rolls back by itself, with no failed checkout", async () => {
    // Six shoppers: ~70 canary calls per interval at 10 %, so a 20 % read fault (about 10 % of the
    // canary's calls) reads as ≥ 5 % in almost every interval; with four, one in eight intervals
    // showed 2–4 % (inconclusive) by chance.
    const load = shoppers(6);
    await sleep(1_000);
    const controller = new RolloutController(platform, {
      strategy: "canary",
      stable: releaseSpecSchema.parse({ version: "v1" }),
      next: releaseSpecSchema.parse({ version: "v2-faulty", productReadFaultRate: 0.2 }),
      steps: strategySteps("canary", fast),
      ...unattended,
    });
    const state = await controller.run();
    const tally = await load.stop();
    printEvents("faulty canary", state);
    const run = state.analysisRuns.at(-1)!;
    // From the canary's first traffic (10 %) to all weight back on stable.
    const at = (re: RegExp) => Date.parse(state.events.find((e) => re.test(e.message))?.at ?? "");
    const exposedMs = at(/traffic back on/) - at(/at 10 % of traffic/);
    process.stdout.write(
      `canary rollback: analysis ${run.phase} at weight ${state.analysisRuns.length === 1 ? 10 : "≥50"} %, canary exposed for ${exposedMs} ms, traffic back on stable ${state.rollbackMs} ms after the decision; ` +
        `${tally.checkouts} checkouts, ${tally.failedCheckouts} failed; ${tally.failedReads} of ${tally.reads} product reads failed ` +
        `(${JSON.stringify(Object.fromEntries(tally.failedReadsByRelease))}), served by ${JSON.stringify(Object.fromEntries(tally.servedBy))}\n`,
    );
    expect(state.phase).toBe("Degraded");
    expect(run.phase).toBe("Failed");
    expect(tally.failedCheckouts).toBe(0);
    expect(tally.checkouts).toBeGreaterThan(0);
    expect([...tally.failedReadsByRelease.keys()].every((r) => r === "v2-faulty")).toBe(true);
    expect(await versionsRegistered()).toEqual(["storefront-1@v1", "storefront-2@v1"]);
    expect(readRolloutState(dir)?.phase).toBe("Degraded");
    expect(haproxy.process.exitCode).toBeNull();
  });

  it("a healthy canary goes 10 → 50 → 100 % and replaces the stable instances one by one, with no failed request", async () => {
    const load = shoppers();
    const controller = new RolloutController(platform, {
      strategy: "canary",
      stable: releaseSpecSchema.parse({ version: "v1" }),
      next: releaseSpecSchema.parse({ version: "v2" }),
      steps: strategySteps("canary", fast),
      ...unattended,
    });
    const state = await controller.run();
    const tally = await load.stop();
    printEvents("healthy canary", state);
    process.stdout.write(
      `healthy canary: ${state.phase} after ${state.analysisRuns.length} analyses; ${tally.checkouts} checkouts, ${tally.failedCheckouts} failed, ` +
        `${tally.failedReads} of ${tally.reads} reads failed; served by ${JSON.stringify(Object.fromEntries(tally.servedBy))}\n`,
    );
    expect(state.phase).toBe("Healthy");
    expect(state.analysisRuns.map((r) => r.phase)).toEqual(["Successful", "Successful", "Successful"]);
    expect(tally.failedReads).toBe(0);
    expect(tally.failedCheckouts).toBe(0);
    expect(await versionsRegistered()).toEqual(["storefront-1@v2", "storefront-2@v2"]);
  });

  it("a blue-green switch analyses the preview on its own ports, switches all traffic at once, and drops no request", async () => {
    const load = shoppers();
    const controller = new RolloutController(platform, {
      strategy: "blue-green",
      stable: releaseSpecSchema.parse({ version: "v2" }),
      next: releaseSpecSchema.parse({ version: "v3" }),
      steps: strategySteps("blue-green", fast),
      ...unattended,
    });
    const state = await controller.run();
    const tally = await load.stop();
    printEvents("blue-green", state);
    process.stdout.write(
      `blue-green: ${state.phase}; preview analysis ${state.analysisRuns[0]?.phase} over ${state.analysisRuns[0]?.metrics[0]?.measurements.map((m) => m.requests).join("+")} calls; ` +
        `${tally.checkouts} checkouts, ${tally.failedCheckouts} failed, ${tally.failedReads} of ${tally.reads} reads failed; served by ${JSON.stringify(Object.fromEntries(tally.servedBy))}\n`,
    );
    expect(state.phase).toBe("Healthy");
    expect(tally.failedReads).toBe(0);
    expect(tally.failedCheckouts).toBe(0);
    expect(tally.servedBy.get("v3")).toBeGreaterThan(0);
    expect(await versionsRegistered()).toEqual(["storefront-1@v3", "storefront-2@v3"]);
  });
});
