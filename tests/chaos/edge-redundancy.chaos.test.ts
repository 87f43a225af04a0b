/**
 * No single point of failure at the edge and in the relay: each redundant instance kind is
 * SIGKILLed under a request loop (or, for the relay, a stream of outbox events), as a crash would.
 *
 *  - HAProxy-1 and HAProxy-2 share the gateway's address (SO_REUSEPORT): requests through the
 *    gateway keep succeeding on the survivor, and the supervisor starts the dead one again.
 *  - CDN-1 and CDN-2 (nginx, `reuseport`, a cache each): media keeps being served by the survivor.
 *  - The outbox relay leader: the standby takes the election over; every event is published once.
 *
 * Failed requests and restart times are printed (measurements, not assertions: the box is shared).
 * What is asserted: requests succeeded while the instance was down, the supervisor counted one
 * restart and the instance serves again, every outbox event reached its queue exactly once.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core, isRetryable, withRetry } from "@agora/db";
import { serviceByName, type ServiceSpec, startServices } from "@agora/infra-local/apps";
import { applyNodeAction, RELAY_LEADER_TARGET, relayLeaderProcess } from "@agora/infra-local/chaos";
import { restoreConfiguredRouting, runtimeSocketOf, serversState } from "@agora/infra-local/gateway";
import { isOurs, type ProcessRecord, readRegistry, waitFor } from "@agora/infra-local/processes";
import { readSupervisorState, startSupervisor, SUPERVISOR } from "@agora/infra-local/supervisor";
import { topology } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";
import { spawnStandIn, type StandIn } from "@agora/registry/testing";

const t = topology("test");
const run = randomUUID().slice(0, 8);
/** Concurrent clients of the request loop (each with keep-alive connections, like browsers). */
const CLIENTS = 4;
const MEDIA_OBJECTS = 8;
const TOPIC = `redundancy-${run}`;

const record = (name: string): ProcessRecord | undefined =>
  readRegistry(t.pidFile).find((r) => r.name === name && isOurs(r));
const restarts = (name: string): number => readSupervisorState(t)?.processes[name]?.restarts ?? 0;

let standIn: StandIn | undefined;
const started: string[] = [];
const report: Record<string, unknown> = {};

beforeAll(async () => {
  await startSupervisor(t);
  // A storefront instance as the gateway sees one: registered in etcd, routed by the gateway sync
  // into every HAProxy instance through its own runtime socket.
  standIn = await spawnStandIn({
    id: `sf-redundancy-${run}`,
    service: "storefront",
    endpoints: t.etcd.map((m) => `https://${t.host}:${m.clientPort}`),
    prefix: t.profile.namespace,
  });
  const port = standIn.port;
  for (const i of t.haproxyInstances) {
    await waitFor(
      `${i.name} routes to the registered instance`,
      async () =>
        (await serversState(runtimeSocketOf(i), "storefront_gateway")).some(
          (s) => s.port === port && !s.maint && !s.drain,
        ),
      { timeoutMs: 60_000, process: i.name },
    );
  }
  await waitFor("the gateway answers from the registered instance", async () => {
    const res = await fetch(`http://${t.host}:${t.apps.gateway}/who`, { signal: AbortSignal.timeout(2000) });
    return res.ok && (await res.text()) === standIn?.id;
  }, { timeoutMs: 60_000, process: "haproxy" });
  // Media behind the CDN edges.
  const dir = join(t.stateDir, "media", "redundancy");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < MEDIA_OBJECTS; i++)
    writeFileSync(join(dir, `${run}-${i}.svg`), `<svg xmlns="http://www.w3.org/2000/svg"><text>${i}</text></svg>`);
  const specs = ["media-origin", "outbox-relay", "outbox-relay-2"]
    .map((n) => serviceByName(t, n))
    .filter((s): s is ServiceSpec => !!s);
  for (const s of specs) if (!record(s.name)) started.push(s.name);
  await startServices(t, specs);
}, 240_000);

afterAll(async () => {
  process.stdout.write(`edge redundancy measurements: ${JSON.stringify(report, null, 2)}\n`);
  standIn?.child.kill("SIGTERM");
  // The supervisor first, or it would restart what this stops.
  const sup = record(SUPERVISOR);
  if (sup) process.kill(sup.pid, "SIGTERM");
  await waitFor("supervisor gone", async () => !record(SUPERVISOR), { timeoutMs: 10_000, process: SUPERVISOR });
  for (const name of started) {
    const r = record(name);
    if (r) process.kill(r.pid, "SIGTERM");
  }
  // The supervisor's gateway sync routed the shared test HAProxy by this file's instances: put the
  // configured routing back for the tests after it.
  await restoreConfiguredRouting(t);
  await closeAll();
}, 60_000);

interface LoopResult {
  ok: number;
  failed: number;
  /** Requests that succeeded between the kill and the instance being ready again. */
  okWhileDown: number;
  errors: Record<string, number>;
  xCache: Record<string, number>;
}

/**
 * CLIENTS loops of GETs until `during` resolves, then one more second. Every answer other than 200
 * counts as failed, with its reason.
 */
async function requestLoop(
  urls: (n: number) => string,
  during: (marks: { down: () => void; up: () => void }) => Promise<void>,
): Promise<LoopResult> {
  const r: LoopResult = { ok: 0, failed: 0, okWhileDown: 0, errors: {}, xCache: {} };
  let down = false;
  let stop = false;
  let n = 0;
  const client = async () => {
    while (!stop) {
      const url = urls(n++);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        if (res.ok) {
          r.ok++;
          if (down) r.okWhileDown++;
          const xc = res.headers.get("x-cache");
          if (xc && down) r.xCache[xc] = (r.xCache[xc] ?? 0) + 1;
        } else {
          r.failed++;
          r.errors[`status ${res.status}`] = (r.errors[`status ${res.status}`] ?? 0) + 1;
        }
      } catch (err) {
        r.failed++;
        const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        r.errors[cause] = (r.errors[cause] ?? 0) + 1;
      }
      await sleep(10);
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  await sleep(1_000);
  await during({ down: () => (down = true), up: () => (down = false) });
  await sleep(1_000);
  stop = true;
  await Promise.all(clients);
  return r;
}

/** Kills `name` under the loop; resolves once the supervisor has it serving again. */
async function killUnderLoad(name: string, urls: (n: number) => string, ready: () => Promise<boolean>) {
  const before = record(name);
  if (!before) throw new Error(`${name} is not running`);
  const restartsBefore = restarts(name);
  let backMs = 0;
  const loop = await requestLoop(urls, async ({ down, up }) => {
    const killedAt = Date.now();
    // The console's "Crash": SIGKILL of the instance and what it started (nginx's workers would
    // outlive their master), no hold, so the supervisor heals it.
    await applyNodeAction(t, name, "crash");
    down();
    await waitFor(
      `${name} restarted by the supervisor and serving`,
      async () => {
        const now = record(name);
        return !!now && now.pid !== before.pid && (await ready());
      },
      { timeoutMs: 90_000, intervalMs: 100, process: name },
    );
    backMs = Date.now() - killedAt;
    up();
  });
  const sup = readSupervisorState(t)?.processes[name];
  report[name] = {
    requests: loop.ok + loop.failed,
    failed: loop.failed,
    errors: loop.errors,
    okWhileDown: loop.okWhileDown,
    xCacheWhileDown: loop.xCache,
    killToServingMs: backMs,
    supervisorRestartMs: sup?.lastRestartMs,
  };
  return { loop, restartsBefore, sup };
}

const gatewayUrl = () => `http://${t.host}:${t.apps.gateway}/who`;
const statsAnswer = (port: number) => async () =>
  (await fetch(`http://${t.host}:${port}/;csv`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok ?? false;

describe("edge redundancy", () => {
  it.each(t.haproxyInstances.map((i) => [i.name, i] as const))(
    "keeps the gateway answering while %s is killed, and the supervisor brings it back",
    async (name, instance) => {
      const { loop, restartsBefore, sup } = await killUnderLoad(name, gatewayUrl, statsAnswer(instance.statsPort));
      expect(loop.okWhileDown).toBeGreaterThan(0);
      expect(sup?.restarts).toBe(restartsBefore + 1);
      // The restarted instance got the registry's membership back (state file + resync).
      await waitFor(
        `${name} routes to the registered instance again`,
        async () =>
          (await serversState(runtimeSocketOf(instance), "storefront_gateway")).some(
            (s) => s.port === standIn?.port && !s.maint,
          ),
        { timeoutMs: 30_000, process: name },
      );
    },
    180_000,
  );

  it.each(t.cdnInstances.map((i) => [i.name, i] as const))(
    "keeps media served while %s is killed (the other edge serves, from its own cache)",
    async (name, instance) => {
      const media = (n: number) => `http://${t.host}:${t.apps.cdn}/media/redundancy/${run}-${n % MEDIA_OBJECTS}.svg`;
      const { loop, restartsBefore, sup } = await killUnderLoad(name, media, async () =>
        (await fetch(`http://${t.host}:${instance.statusPort}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok ?? false,
      );
      expect(loop.okWhileDown).toBeGreaterThan(0);
      expect(sup?.restarts).toBe(restartsBefore + 1);
    },
    180_000,
  );

  it("delivers every outbox event once when the relay leader is killed: the standby takes over", async () => {
    const leader = await waitFor("a relay leader", () => relayLeaderProcess(t), { timeoutMs: 60_000, process: "outbox-relay" });
    const victim = record(leader);
    if (!victim) throw new Error(`${leader} is not running`);
    const restartsBefore = restarts(leader);
    const db = core().primary;
    // The box is shared: a connection may time out under load; retried (a doubled insert is just
    // one more event, counted from the table below).
    const retried = <T>(f: () => Promise<T>) => withRetry(f, { attempts: 5, retryIf: isRetryable });
    const insert = (n: number) =>
      retried(() => db.$executeRawUnsafe(
        `INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload)
         VALUES ($1, $2, 'RedundancyProbe', jsonb_build_object('n', $3::int))`,
        TOPIC,
        `probe-${n}`,
        n,
      ));
    let n = 0;
    let inserting = true;
    const producer = (async () => {
      while (inserting) {
        await insert(n++);
        await sleep(50);
      }
    })();
    await sleep(2_000);
    const fenceBefore = await retried(() =>
      db.$queryRawUnsafe<{ token: bigint; holder: string }[]>(
        `SELECT token, holder FROM relay_fences WHERE name = 'outbox-relay'`,
      ),
    );
    const killedAt = Date.now();
    await applyNodeAction(t, RELAY_LEADER_TARGET, "crash");
    // Take-over: the first batch the standby writes under a newer fencing token.
    const fenceAfter = await waitFor(
      "the standby's first fenced batch",
      async () => {
        const rows = await retried(() =>
          db.$queryRawUnsafe<{ token: bigint; holder: string }[]>(
            `SELECT token, holder FROM relay_fences WHERE name = 'outbox-relay'`,
          ),
        );
        const row = rows[0];
        return row && row.token > (fenceBefore[0]?.token ?? 0n) ? row : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50, process: "outbox-relay" },
    );
    const takeoverMs = Date.now() - killedAt;
    process.stdout.write(`outbox relay take-over: ${takeoverMs} ms from the leader's SIGKILL to the standby's first batch under token ${fenceAfter.token} (${fenceAfter.holder})\n`);
    await sleep(2_000);
    inserting = false;
    await producer;
    await waitFor(
      "every probe event published",
      async () => {
        const rows = await retried(() =>
          db.$queryRawUnsafe<{ n: bigint }[]>(
            `SELECT count(*) AS n FROM outbox WHERE aggregate_type = $1 AND published_at IS NULL`,
            TOPIC,
          ),
        );
        return Number(rows[0]?.n ?? 1) === 0;
      },
      { timeoutMs: 60_000, process: "outbox-relay" },
    );
    // Publish delay of the events written around the kill: the window a consumer waits.
    const delays = await retried(() =>
      db.$queryRawUnsafe<{ max_ms: number; events: number }[]>(
        `SELECT (max(extract(epoch FROM published_at - created_at)) * 1000)::int AS max_ms, count(*)::int AS events
           FROM outbox WHERE aggregate_type = $1`,
        TOPIC,
      ),
    );
    const events = delays[0]?.events ?? 0;
    const connection = createRedis({ maxRetriesPerRequest: null, connectionName: `redundancy-${run}` });
    const queue = new Queue(`outbox-${TOPIC}`, { connection });
    try {
      const counts = await queue.getJobCounts("waiting", "active", "completed", "failed", "delayed", "prioritized");
      const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
      // One job per event: none lost, none doubled (job id = message id).
      expect(events).toBeGreaterThanOrEqual(n);
      expect(jobs).toBe(events);
      await waitFor(`${leader} restarted by the supervisor and ready`, async () => {
        const sup = readSupervisorState(t)?.processes[leader];
        return sup?.restarts === restartsBefore + 1 && sup.state === "running" && sup.lastRestartMs !== undefined;
      }, {
        timeoutMs: 60_000,
        process: leader,
      });
      report["outbox-relay leader"] = {
        killed: leader,
        events,
        jobs,
        newLeader: fenceAfter.holder,
        takeoverMs,
        maxPublishDelayMs: delays[0]?.max_ms,
        supervisorRestartMs: readSupervisorState(t)?.processes[leader]?.lastRestartMs,
      };
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
      await db.$executeRawUnsafe(`DELETE FROM outbox WHERE aggregate_type = $1`, TOPIC);
    }
  }, 240_000);
});
