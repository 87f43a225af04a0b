/**
 * The outbox relay against the real topology: etcd ×3 for the election, core + shard Patroni
 * clusters for the outboxes and fences, Redis via Sentinel for BullMQ. Each run uses its own
 * election/fence name and topic, and counts effects in its own schema (dropped afterwards).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core, shard, shardNames, withPlatformScope } from "@agora/db";
import { topology } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";
import { LeaderElection, type LeaderTerm } from "../leader/leader-election.ts";
import { consumeOnce, coreDedupeStore, outboxProcessor } from "./consume.ts";
import { FencedOutError, type RawTx } from "./fencing.ts";
import { outboxQueueName, type OutboxMessage } from "./outbox-message.ts";
import { createBullmqPublisher, type OutboxPublisher } from "./publisher.ts";
import { OutboxRelay, outboxSources, relayBatch } from "./relay.ts";

const run = randomUUID().slice(0, 8);
const NAME = `outbox-relay-test-${run}`;
const TOPIC = `relaytest${run}`;
const CONSUMER = `relay-test-${run}`;
const SCHEMA = `outbox_relay_test_${run}`;
const TTL_S = 3;
const t = topology("test");

interface Instance {
  id: string;
  election: LeaderElection;
  relay: OutboxRelay;
  terms: LeaderTerm[];
  /** Makes the next publish succeed in Redis and then hang (a process frozen before marking). */
  freezeAfterNextPublish(): Promise<void>;
  /** Lets a frozen publish return, so the instance can be closed. */
  thaw(): void;
  crash(): Promise<void>;
  close(): Promise<void>;
}

const instances: Instance[] = [];
let worker: Worker<OutboxMessage>;
/** Consumer invocations per message id, duplicates included. */
const deliveries = new Map<string, number>();

function startInstance(id: string): Instance {
  const connection = createRedis({ connectionName: `relay-test:${id}` });
  const inner = createBullmqPublisher({ connection });
  let freeze: { armed: boolean; frozen: () => void } | undefined;
  let thaw: (() => void) | undefined;
  const publisher: OutboxPublisher = {
    async publish(messages) {
      await inner.publish(messages);
      if (freeze?.armed) {
        freeze.armed = false;
        freeze.frozen();
        await new Promise<void>((resolve) => (thaw = resolve));
      }
    },
    close: () => inner.close(),
  };
  const terms: LeaderTerm[] = [];
  const election = new LeaderElection({
    hosts: t.etcd.map((m) => `https://127.0.0.1:${m.clientPort}`),
    name: NAME,
    candidateId: id,
    ttlSeconds: TTL_S,
    retryEveryMs: 300,
    onElected: (term) => {
      terms.push(term);
      relay.lead(term);
    },
    onLost: (term, reason) => relay.lose(term, reason),
    onError: () => {
      // Expected when an instance is crashed under a running keepalive; the election retries.
    },
  });
  const relay = new OutboxRelay({
    election,
    publisher,
    fenceName: NAME,
    batchSize: 25,
    pollEveryMs: 100,
    log: () => {
      // Quiet: the assertions below check the outcome.
    },
  });
  election.start();
  let stopped = false;
  const inst: Instance = {
    id,
    election,
    relay,
    terms,
    freezeAfterNextPublish: () =>
      new Promise<void>((resolve) => {
        freeze = { armed: true, frozen: resolve };
      }),
    thaw: () => thaw?.(),
    // Heartbeats stop without a resign: the others learn of it only when the lease expires.
    crash: () => election.stop({ resign: false }),
    async close() {
      if (stopped) return;
      stopped = true;
      inst.thaw();
      await relay.stop();
      await election.stop({ resign: true }).catch((err: unknown) => void err); // already stopped by crash()
      await publisher.close();
      connection.disconnect();
    },
  };
  instances.push(inst);
  return inst;
}

type Runner = <T>(fn: (tx: RawTx) => PromiseLike<T>) => Promise<T>;

/** Core, then every shard in the platform scope (fixtures look across tenants). */
function platformRunners(): Runner[] {
  return [
    (fn) => core().primary.$transaction(async (tx) => fn(tx)),
    ...shardNames().map((s): Runner => (fn) => withPlatformScope(s, async (tx) => fn(tx))),
  ];
}

async function insertOutbox(perCluster: number): Promise<void> {
  await core().primary.$executeRawUnsafe(
    `INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload)
     SELECT $1, 'agg-' || g, 'TestEvent', jsonb_build_object('n', g) FROM generate_series(1, $2) g`,
    TOPIC,
    perCluster,
  );
  for (const s of shardNames()) {
    // Rows of many tenants at once: a platform job under row-level security (ADR 0004).
    await withPlatformScope(s, (tx) =>
      tx.$executeRawUnsafe(
        `INSERT INTO outbox (vendor_id, aggregate_type, aggregate_id, event_type, payload)
         SELECT gen_random_uuid(), $1, 'agg-' || g, 'TestEvent', jsonb_build_object('n', g)
           FROM generate_series(1, $2) g`,
        TOPIC,
        perCluster,
      ),
    );
  }
}

async function effectCounts(): Promise<{ total: number; distinct: number; maxPerMessage: number }> {
  const rows = await core().primary.$queryRawUnsafe<
    { total: bigint; distinct: bigint; max: number | null }[]
  >(
    `SELECT count(*) AS total, count(DISTINCT message_id) AS distinct,
            (SELECT max(c)::int FROM (SELECT count(*) c FROM ${SCHEMA}.effects GROUP BY message_id) x) AS max
       FROM ${SCHEMA}.effects`,
  );
  const r = rows[0];
  return {
    total: Number(r?.total ?? 0),
    distinct: Number(r?.distinct ?? 0),
    maxPerMessage: r?.max ?? 0,
  };
}

async function unpublished(): Promise<number> {
  let n = 0;
  for (const run of platformRunners()) {
    const rows = await run((tx) =>
      tx.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM outbox WHERE aggregate_type = $1 AND published_at IS NULL`,
        TOPIC,
      ),
    );
    n += Number(rows[0]?.n ?? 0);
  }
  return n;
}

async function waitUntil(
  what: string,
  pred: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<number> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - start;
}

const clusterCount = () => 1 + shardNames().length;

beforeAll(async () => {
  await core().primary.$executeRawUnsafe(`CREATE SCHEMA ${SCHEMA}`);
  // No unique key on purpose: an effect applied twice shows up as two rows.
  await core().primary.$executeRawUnsafe(
    `CREATE TABLE ${SCHEMA}.effects (message_id text NOT NULL, cluster text NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
  );
  worker = new Worker<OutboxMessage>(
    outboxQueueName(TOPIC),
    async (job) => {
      deliveries.set(job.data.messageId, (deliveries.get(job.data.messageId) ?? 0) + 1);
      return outboxProcessor(coreDedupeStore(), CONSUMER, async (tx, m) => {
        await tx.$executeRawUnsafe(
          `INSERT INTO ${SCHEMA}.effects (message_id, cluster) VALUES ($1, $2)`,
          m.messageId,
          m.cluster,
        );
      })(job);
    },
    {
      connection: createRedis({
        maxRetriesPerRequest: null,
        connectionName: "relay-test:consumer",
      }),
      concurrency: 8,
    },
  );
  worker.on("error", (err) => process.stderr.write(`consumer: ${err.message}\n`));
});

afterAll(async () => {
  for (const i of instances) await i.close();
  await worker?.close();
  await core().primary.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await core().primary.$executeRawUnsafe(
    `DELETE FROM processed_messages WHERE consumer = $1`,
    CONSUMER,
  );
  for (const run of platformRunners()) {
    await run((tx) => tx.$executeRawUnsafe(`DELETE FROM outbox WHERE aggregate_type = $1`, TOPIC));
    await run((tx) => tx.$executeRawUnsafe(`DELETE FROM relay_fences WHERE name = $1`, NAME));
  }
  await closeAll();
});

describe("outbox relay with etcd leader election", () => {
  it("delivers every message of core and every shard outbox exactly once", async () => {
    const a = startInstance("a");
    await insertOutbox(40);
    const expected = 40 * clusterCount();
    await waitUntil(
      `${expected} effects`,
      async () => (await effectCounts()).distinct >= expected,
      20_000,
    );
    await waitUntil("every row marked published", async () => (await unpublished()) === 0, 10_000);
    const c = await effectCounts();
    expect(c).toEqual({ total: expected, distinct: expected, maxPerMessage: 1 });
    expect(a.relay.published).toBeGreaterThanOrEqual(expected);
    await a.close();
  });

  it("keeps exactly one leader, and after the leader freezes mid-batch and dies the other takes over with nothing lost or applied twice", async () => {
    const before = await effectCounts();
    const a = startInstance("a2");
    const b = startInstance("b2");
    let bothLeaders = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        if (a.election.isLeader() && b.election.isLeader()) bothLeaders++;
        await sleep(20);
      }
    })();

    await waitUntil("a leader", () => a.election.isLeader() || b.election.isLeader(), 10_000);
    const [leader, follower] = a.election.isLeader() ? [a, b] : [b, a];
    const firstTerm = leader.terms.at(-1);

    // The leader publishes a batch to Redis, then freezes before marking it, then dies.
    const frozen = leader.freezeAfterNextPublish();
    await insertOutbox(60);
    const expected = before.distinct + 60 * clusterCount();
    await frozen;
    await leader.crash();
    const crashedAt = Date.now();

    const takeoverMs = await waitUntil(
      "the follower to lead",
      () => follower.election.isLeader(),
      15_000,
    );
    await insertOutbox(20);
    const expectedAll = expected + 20 * clusterCount();
    const deliveredMs = await waitUntil(
      `${expectedAll} effects`,
      async () => (await effectCounts()).distinct >= expectedAll,
      40_000,
    );
    await waitUntil("every row marked published", async () => (await unpublished()) === 0, 10_000);
    sampling = false;
    await sampler;

    const c = await effectCounts();
    const redelivered = [...deliveries.values()].filter((n) => n > 1).length;
    process.stdout.write(
      `${JSON.stringify({ takeoverMs, deliveredAfterCrashMs: Date.now() - crashedAt, deliveredMs, redelivered, effects: c })}\n`,
    );
    expect(bothLeaders).toBe(0);
    expect(takeoverMs).toBeLessThan((TTL_S + 3) * 1000);
    expect(c).toEqual({ total: expectedAll, distinct: expectedAll, maxPerMessage: 1 });
    const newTerm = follower.terms.at(-1);
    expect(firstTerm && newTerm && newTerm.token > firstTerm.token).toBe(true);
  });

  it("refuses a stale leader's token on every cluster once a newer leader has written", async () => {
    const current = instances.find((i) => i.election.isLeader());
    const stale = instances.flatMap((i) => i.terms).sort((x, y) => (x.token < y.token ? -1 : 1))[0];
    expect(current).toBeDefined();
    expect(stale).toBeDefined();
    if (!current || !stale) return;
    // Let the current leader write its token to every cluster's fence.
    await sleep(1000);
    await insertOutbox(1);
    let published = 0;
    const spy: OutboxPublisher = {
      publish: async (ms) => {
        published += ms.length;
      },
      close: () => Promise.resolve(),
    };
    for (const source of outboxSources()) {
      // The stale instance still believes it leads (e.g. it was paused and its clock jumped).
      const attempt = relayBatch(
        source,
        spy,
        { name: NAME, token: stale.token, holder: "stale", stillLeader: () => true },
        10,
      );
      await expect(attempt).rejects.toBeInstanceOf(FencedOutError);
    }
    expect(published).toBe(0);
    // The real leader still delivers the new messages, once each.
    await waitUntil("the new messages", async () => (await unpublished()) === 0, 10_000);
    await waitUntil(
      "their effects",
      async () => {
        const c = await effectCounts();
        return (
          c.distinct === c.total && (await unpublished()) === 0 && deliveries.size === c.distinct
        );
      },
      10_000,
    );
    expect((await effectCounts()).maxPerMessage).toBe(1);
  });
  it("applies a message delivered twice, even concurrently, only once", async () => {
    const store = coreDedupeStore();
    const message = { messageId: `dup-${run}`, vendorId: null };
    const effect = async (tx: RawTx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO ${SCHEMA}.effects (message_id, cluster) VALUES ($1, 'test')`,
        message.messageId,
      );
    };
    const outcomes = await Promise.all([
      consumeOnce(store, CONSUMER, message, effect),
      consumeOnce(store, CONSUMER, message, effect),
    ]);
    outcomes.push(await consumeOnce(store, CONSUMER, message, effect));
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(2);
    const rows = await core().primary.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM ${SCHEMA}.effects WHERE message_id = $1`,
      message.messageId,
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });
  it("a relay process frozen with SIGSTOP loses leadership; the other takes over; when thawed it marks nothing", async () => {
    const name = `${NAME}-frozen`;
    const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
    const main = fileURLToPath(new URL("../main.ts", import.meta.url));
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", main, "outbox-relay"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        OUTBOX_RELAY_NAME: name,
        OUTBOX_RELAY_TTL_S: String(TTL_S),
        OUTBOX_RELAY_POLL_MS: "100",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const pid = child.pid;
    if (pid === undefined) throw new Error("relay process did not start");
    try {
      await waitUntil("the relay process to lead", () => log.includes('"msg":"elected"'), 20_000);
      const before = await effectCounts();
      process.kill(pid, "SIGSTOP");
      const frozenAt = Date.now();
      await insertOutbox(10);
      const expected = before.distinct + 10 * clusterCount();
      // A second candidate for the same election, in this process.
      const elections: LeaderTerm[] = [];
      const other = new LeaderElection({
        hosts: t.etcd.map((m) => `https://127.0.0.1:${m.clientPort}`),
        name,
        candidateId: "other",
        ttlSeconds: TTL_S,
        retryEveryMs: 300,
        onElected: (term) => {
          elections.push(term);
          relay.lead(term);
        },
        onLost: (term, reason) => relay.lose(term, reason),
        onError: () => {
          // A lease error makes the election retry; the assertions below check the outcome.
        },
      });
      const connection = createRedis({ connectionName: "relay-test:other" });
      const publisher = createBullmqPublisher({ connection });
      const relay = new OutboxRelay({
        election: other,
        publisher,
        fenceName: name,
        batchSize: 25,
        pollEveryMs: 100,
        log: () => undefined,
      });
      other.start();
      try {
        const takeoverMs = await waitUntil(
          "the other candidate to lead",
          () => other.isLeader(),
          15_000,
        );
        await waitUntil(
          `${expected} effects`,
          async () => (await effectCounts()).distinct >= expected,
          20_000,
        );
        process.kill(pid, "SIGCONT");
        // Thawed, it must notice its term ended (local lease deadline) before doing anything.
        await waitUntil(
          "the thawed relay to step down",
          () => log.includes('"msg":"leadership lost"'),
          10_000,
        );
        await insertOutbox(5);
        const expectedAll = expected + 5 * clusterCount();
        await waitUntil(
          `${expectedAll} effects`,
          async () => (await effectCounts()).distinct >= expectedAll,
          20_000,
        );
        await waitUntil(
          "every row marked published",
          async () => (await unpublished()) === 0,
          10_000,
        );
        process.stdout.write(
          `${JSON.stringify({ frozenTakeoverMs: takeoverMs, sinceFreezeMs: Date.now() - frozenAt })}\n`,
        );
        expect(takeoverMs).toBeLessThan((TTL_S + 3) * 1000);
        expect(log).toMatch(/"reason":"lease (deadline passed|lost)/);
        const c = await effectCounts();
        expect(c.maxPerMessage).toBe(1);
        expect(c.total).toBe(c.distinct);
        expect(other.isLeader()).toBe(true);
      } finally {
        await relay.stop();
        await other.stop({ resign: true });
        await publisher.close();
        connection.disconnect();
      }
    } finally {
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGTERM");
      const code = await Promise.race([exited, sleep(10_000).then(() => "timeout" as const)]);
      if (code === "timeout") process.kill(pid, "SIGKILL");
      for (const src of [core(), ...shardNames().map((s) => shard(s))]) {
        await src.primary.$executeRawUnsafe(`DELETE FROM relay_fences WHERE name = $1`, name);
      }
    }
  });
});
