/**
 * The autoscaler loop against real processes of the test topology, with fast test policies
 * (1 s ticks, second-long windows) instead of the local row's minutes:
 *  - a worker pool (a stand-in BullMQ pool process) grows 1 → 3 while jobs pile up and shrinks
 *    back to 1 once drained, every job completed (scale-in waits for running jobs);
 *  - a pool allowed to sleep stays at 0, wakes to 1 when a job arrives, sleeps again after its
 *    cooldown, and the job is done;
 *  - a storefront instance scaled in drains while a request loop runs through the gateway: no
 *    request fails, and the supervisor does not restart it. (Needs a storefront build.)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { HorizontalPolicy } from "@agora/autoscaling";
import { backlogKeys, oldestJobQuery } from "@agora/autoscaling/targets";
import { parseInstance, registryClient, servicePrefix } from "@agora/registry";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceByName, type ServiceSpec, waitServiceReady } from "../apps.ts";
import { etcdEndpoints } from "../config/etcd.ts";
import { runtimeSocketOf } from "../config/haproxy.ts";
import { GatewaySync } from "../gateway/gateway-sync.ts";
import { runtimeCommand } from "../gateway/runtime-api.ts";
import { restoreConfiguredRouting } from "../gateway/configured-routing.ts";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { etcdClientTlsFiles } from "../security/tls-files.ts";
import { holdSupervision, releaseSupervision } from "../supervisor/control.ts";
import { Supervisor } from "../supervisor/supervisor.ts";
import { type HaproxyInstance, REPO_ROOT, sentinelConnection, topology } from "../topology.ts";
import { Autoscaler, type AutoscalerState } from "./autoscaler.ts";
import { parseShowStat, type StatRow } from "./haproxy-stat.ts";
import { localMetricSources } from "./local-sources.ts";
import { type PoolTarget, poolInstanceName, type WebTarget } from "./targets.ts";

const t = topology("test");
const SLOW_POOL = join(REPO_ROOT, "infra/local/src/autoscaler/testing/slow-pool-process.ts");
const run = Date.now().toString(36);
const BUSY_QUEUE = `autoscale-test-busy-${run}`;
const SLEEPY_QUEUE = `autoscale-test-sleepy-${run}`;
const HELD_QUEUE = `autoscale-test-held-${run}`;

/** Fast behaviour: up without a window, down after 2 s, one instance per second either way. */
const fast = (min: number, max: number, metrics: HorizontalPolicy["metrics"]): HorizontalPolicy => ({
  minReplicas: min,
  maxReplicas: max,
  metrics,
  behavior: {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 1 }] },
    scaleDown: { stabilizationWindowSeconds: 2, selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: 1 }] },
  },
});

function poolTarget(name: string, queue: string, min: number, max: number): PoolTarget {
  return {
    kind: "pool",
    name,
    queues: [queue],
    instanceName: poolInstanceName(name),
    slots: max,
    horizontal: fast(min, max, [
      ...backlogKeys(queue).map((key) => ({ kind: "external-average" as const, name: key, targetAverageValue: 20, activationThreshold: 0 })),
      { kind: "external-value", name: oldestJobQuery([queue]), targetValue: 30, activationThreshold: 30 },
    ]),
    activation: { minReplicaCount: min, cooldownPeriodSeconds: 3, pollingIntervalSeconds: 1 },
  };
}

const busy = poolTarget("autoscaletestbusy", BUSY_QUEUE, 1, 3);
const sleepy = poolTarget("autoscaletestsleepy", SLEEPY_QUEUE, 0, 1);
const heldPool = poolTarget("autoscaletestheld", HELD_QUEUE, 1, 2);
const QUEUE_OF: Record<string, string> = {
  autoscaletestbusy: BUSY_QUEUE,
  autoscaletestsleepy: SLEEPY_QUEUE,
  autoscaletestheld: HELD_QUEUE,
};

/** The stand-in pools' processes, resolved by the supervisor like the product's. */
function resolve(name: string): ServiceSpec | undefined {
  const m = /^workers-(autoscaletest(?:busy|sleepy|held))(?:-\d+)?$/.exec(name);
  if (!m) return undefined;
  return {
    name,
    args: ["--import", "tsx", SLOW_POOL],
    cwd: REPO_ROOT,
    match: "slow-pool-process",
    env: {
      AUTOSCALE_TEST_QUEUE: QUEUE_OF[m[1] ?? ""] ?? SLEEPY_QUEUE,
      AUTOSCALE_TEST_JOB_MS: "100",
      AUTOSCALE_TEST_CONCURRENCY: "2",
    },
  };
}

const storefrontBuilt = existsSync(join(REPO_ROOT, "apps/storefront/.next/BUILD_ID"));
if (!storefrontBuilt) process.stdout.write("autoscaler test: no storefront build, storefront scale-in left out\n");

let supervisor: Supervisor;
let redis: Redis;
const sources = localMetricSources(t);
let state: AutoscalerState | undefined;
const autoscalers: Autoscaler[] = [];
const queues: Queue[] = [];

function running(prefix: string): string[] {
  return readRegistry(t.pidFile)
    .filter((r) => (r.name === prefix || r.name.startsWith(`${prefix}-`)) && isOurs(r))
    .map((r) => r.name)
    .sort();
}

/** The storefront gateway's server rows of one HAProxy instance (`show stat`). */
async function storefrontSlots(i: HaproxyInstance): Promise<StatRow[]> {
  const rows = parseShowStat(await runtimeCommand(runtimeSocketOf(i), "show stat"));
  return rows.filter((r) => r.proxy === "storefront_gateway" && r.server !== "BACKEND" && r.server !== "FRONTEND");
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; decisions: ${JSON.stringify(state?.decisions.slice(-6))}`);
    await sleep(200);
  }
}

function scaler(targets: (PoolTarget | WebTarget)[]): Autoscaler {
  const a = new Autoscaler(t, {
    targets,
    intervalMs: 1_000,
    actuator: { spawn: (n) => supervisor.spawn(n), retire: (n) => void supervisor.retire(n) },
    // Without the host's CPU: the suite's own load on the test box must not hold back the
    // scale-outs these tests are about (placement on a busy host: placement.test.ts).
    sources: { ...sources, hostCpu: undefined },
    onState: (s) => {
      state = s;
      supervisor.setAutoscalerState(s);
    },
    log: (l) => process.stdout.write(`[autoscaler] ${l}\n`),
  });
  autoscalers.push(a);
  a.start();
  return a;
}

beforeAll(() => {
  supervisor = new Supervisor(t, { resolve, log: (l) => process.stdout.write(`[supervisor] ${l}\n`) });
  supervisor.start();
  redis = new Redis({ ...sentinelConnection(t), maxRetriesPerRequest: null });
});

afterAll(async () => {
  for (const a of autoscalers) await a.stop();
  supervisor.stop();
  for (const rec of readRegistry(t.pidFile))
    if (/^(workers-autoscaletest|storefront-)/.test(rec.name) && isOurs(rec)) process.kill(rec.pid, "SIGTERM");
  for (const name of [heldPool.instanceName(1), heldPool.instanceName(2)]) releaseSupervision(t, name);
  for (const q of queues) await q.obliterate({ force: true }).catch(() => undefined);
  for (const q of queues) await q.close();
  redis?.disconnect();
  sources.close();
}, 60_000);

describe("autoscaler loop", () => {
  it("grows a worker pool 1 → 3 while jobs pile up and shrinks it back to 1 once drained, losing no job", async () => {
    const queue = new Queue(BUSY_QUEUE, { connection: redis });
    queues.push(queue);
    const a = scaler([busy]);
    // Below its minimum of 1 at the start: the first tick starts one process.
    await until("one busy-pool process", () => running("workers-autoscaletestbusy").length === 1);
    // 300 jobs of 100 ms, 2 at a time per process: 15 s of work for one process.
    await queue.addBulk(Array.from({ length: 300 }, (_, i) => ({ name: "work", data: { i } })));
    await until("three busy-pool processes", () => running("workers-autoscaletestbusy").length === 3);
    await until("the backlog drained", async () => (await queue.getJobCounts("waiting", "active")).waiting === 0 && (await queue.getJobCounts("active")).active === 0);
    await until("back to one process", () => running("workers-autoscaletestbusy").length === 1, 60_000);
    await a.stop();

    const counts = await queue.getJobCounts("completed", "failed", "waiting", "active");
    expect(counts).toMatchObject({ completed: 300, failed: 0, waiting: 0, active: 0 });
    const moves = state!.decisions.filter((d) => d.target === busy.name && d.to !== d.from);
    expect(moves.some((d) => d.to > d.from)).toBe(true);
    expect(moves.some((d) => d.to < d.from)).toBe(true);
    // The instances it removed were retired, not restarted.
    const retired = Object.values(supervisor["state"].processes).filter((p) => p.name.startsWith("workers-autoscaletestbusy-"));
    expect(retired.length).toBeGreaterThan(0);
    for (const p of retired) expect(p.state).toBe("retired");
  }, 240_000);

  it("wakes a sleeping pool 0 → 1 on its first job and puts it back to 0 after the cooldown", async () => {
    const queue = new Queue(SLEEPY_QUEUE, { connection: redis });
    queues.push(queue);
    const a = scaler([sleepy]);
    await sleep(3_000);
    expect(running("workers-autoscaletestsleepy")).toEqual([]);
    await queue.add("one", { at: Date.now() });
    await until("the sleeping pool woken", () => running("workers-autoscaletestsleepy").length === 1);
    await until("the job done", async () => (await queue.getJobCounts("completed")).completed === 1);
    await until("asleep again", () => running("workers-autoscaletestsleepy").length === 0, 60_000);
    await a.stop();
    const moves = state!.decisions.filter((d) => d.target === sleepy.name && d.to !== d.from);
    expect(moves.map((d) => [d.from, d.to, d.by])).toEqual([
      [0, 1, "keda"],
      [1, 0, "keda"],
    ]);
  }, 240_000);

  it("leaves a pool an operator holds down as it is, below its minimum and with work waiting, until the hold is released", async () => {
    const queue = new Queue(HELD_QUEUE, { connection: redis });
    queues.push(queue);
    // What a region drill does to the lost region's pools, and a chaos kill to one instance.
    holdSupervision(t, heldPool.instanceName(1));
    const a = scaler([heldPool]);
    await queue.addBulk(Array.from({ length: 100 }, (_, i) => ({ name: "work", data: { i } })));
    await until("the hold seen", () => state?.targets[heldPool.name]?.reason.startsWith("held down by an operator"));
    await sleep(4_000);
    expect(running("workers-autoscaletestheld")).toEqual([]);
    expect(state?.targets[heldPool.name]).toMatchObject({ current: 0, desired: 0 });

    releaseSupervision(t, heldPool.instanceName(1));
    await until("the pool started once released", () => running("workers-autoscaletestheld").length >= 1);
    await until("its work done", async () => (await queue.getJobCounts("completed")).completed === 100);
    await a.stop();
  }, 240_000);

  it.skipIf(!storefrontBuilt)(
    "drains a storefront it scales in: no failed request through the gateway, not restarted",
    async () => {
      // What the sync changed on the edge, with times: part of a failure's message.
      const syncLog: string[] = [];
      const sync = new GatewaySync(t, { resyncMs: 1_000, log: (l) => syncLog.push(`${new Date().toISOString()} ${l}`) });
      await sync.start();
      try {
        for (const name of ["storefront-1", "storefront-2"]) await supervisor.spawn(name);
        for (const name of ["storefront-1", "storefront-2"]) await waitServiceReady(t, serviceByName(t, name)!, 180_000);
        const gateway = `http://${t.host}:${t.apps.gateway}`;
        // Both published ready (warmed up) and routed before the scale-in starts: the drain is
        // tested, not the edge failing open for instances still warming.
        const registry = registryClient(etcdEndpoints(t), undefined, etcdClientTlsFiles(t));
        await until("both storefronts published ready", async () => {
          const res = await registry.getAll().prefix(servicePrefix(t.profile.namespace, "storefront")).strings();
          const ready = Object.entries(res).filter(([k, v]) => parseInstance(k, v).ready).length;
          return ready >= 2;
        }, 120_000).finally(() => registry.close());
        await until("both storefronts routed", async () => {
          // Both HAProxy instances of the edge route both.
          for (const i of t.haproxyInstances)
            if ((await storefrontSlots(i)).filter((r) => r.status === "UP").length < 2) return false;
          return true;
        }, 120_000);

        let ok = 0;
        const failures: string[] = [];
        // What the edge held when requests failed (first failure, then every 50th): each slot's
        // status and address, and the storefronts' process states — a failure says why.
        const seen: string[] = [];
        const startedAt = Date.now();
        const failed = async (what: string) => {
          failures.push(`${Date.now() - startedAt} ms: ${what}`);
          if (failures.length !== 1 && failures.length % 50 !== 0) return;
          for (const i of t.haproxyInstances) {
            const slots = await storefrontSlots(i).then(
              (rows) => rows.filter((r) => r.status !== "MAINT").map((r) => `${r.server} ${r.status} ${r.addr}`).join(", "),
              (err: Error) => err.message,
            );
            seen.push(`${Date.now() - startedAt} ms ${i.name}: ${slots}`);
          }
          const states = ["storefront-1", "storefront-2"].map((n) => `${n} ${supervisor["state"].processes[n]?.state ?? "-"}`);
          seen.push(`supervisor: ${states.join(", ")}`);
        };
        let looping = true;
        const loop = async () => {
          while (looping) {
            try {
              const r = await fetch(`${gateway}/healthz`, { signal: AbortSignal.timeout(10_000) });
              await r.arrayBuffer();
              if (r.ok) ok++;
              else await failed(`status ${r.status}`);
            } catch (err) {
              await failed(err instanceof Error ? err.message : String(err));
            }
            // Well under the edge's per-address flood limit.
            await sleep(20);
          }
        };
        const loops = Array.from({ length: 4 }, loop);
        const web: WebTarget = {
          kind: "web",
          name: "storefront",
          backend: "storefront_gateway",
          cpuRequestMillicores: 500,
          instanceName: (k) => `storefront-${k}`,
          slots: 2,
          // A target no idle instance reaches: the tier shrinks to its minimum of 1.
          horizontal: fast(1, 2, [
            { kind: "resource-utilization", name: "cpu", targetUtilizationPercent: 1000 },
            { kind: "pods-average", name: "agora_trpc_in_flight_requests", targetAverageValue: 1000 },
          ]),
        };
        const a = scaler([web]);
        await until("storefront-2 drained and gone", () => !running("storefront").includes("storefront-2"), 120_000);
        // Traffic keeps flowing through the survivor for a while after the exit.
        await sleep(3_000);
        looping = false;
        await Promise.all(loops);
        await a.stop();

        const why = [failures.slice(0, 3).concat(failures.slice(-3)).join("; "), ...seen, ...syncLog.slice(-12)];
        expect(failures.length, why.join("\n")).toBe(0);
        expect(ok).toBeGreaterThan(0);
        expect(running("storefront")).toEqual(["storefront-1"]);
        expect(supervisor["state"].processes["storefront-2"]?.state).toBe("retired");
        expect(state!.decisions.some((d) => d.target === "storefront" && d.from === 2 && d.to === 1)).toBe(true);
      } finally {
        await sync.stop();
        // Other tests expect the configured routing of the shared test HAProxy: put it back.
        await restoreConfiguredRouting(t);
      }
    },
    400_000,
  );
});
