import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, Worker } from "bullmq";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { readRegistry, startRedisNode, waitFor } from "@agora/infra-local/processes";
import { redisReplication, sentinelMaster } from "@agora/infra-local/probes";
import { databaseUrl, topology } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";

const JOBS = 500;

describe("Redis failover with BullMQ", () => {
  const t = topology("test");
  const db = new pg.Pool({ connectionString: databaseUrl(t, "core", "rw", { as: "superuser", database: "postgres" }), max: 10 });
  afterAll(async () => {
    await db.end();
  });

  it(`completes each of ${JOBS} jobs exactly once by its idempotency key when the Redis master is SIGKILLed mid-run`, async () => {
    const run = randomUUID().slice(0, 8);
    await db.query(`create table if not exists chaos_job_effects (run text, key text, amount int, primary key (run, key))`);
    await db.query(`create table if not exists chaos_job_totals (run text primary key, total bigint not null, attempts int not null)`);
    await db.query(`insert into chaos_job_totals values ($1, 0, 0)`, [run]);

    const connection = createRedis({ maxRetriesPerRequest: null });
    const queueName = `chaos-${run}`;
    const queue = new Queue(queueName, { connection });
    queue.on("error", () => {
      // expected while the master is down
    });
    // The consumer is idempotent: the dedupe row and the effect commit in one transaction, so a
    // job redelivered after the failover changes nothing the second time.
    const worker = new Worker(
      queueName,
      async (job) => {
        const c = await db.connect();
        try {
          await c.query("begin");
          await c.query(`update chaos_job_totals set attempts = attempts + 1 where run = $1`, [run]);
          const ins = await c.query(
            `insert into chaos_job_effects values ($1, $2, $3) on conflict do nothing`,
            [run, job.id, job.data.amount],
          );
          if (ins.rowCount === 1) {
            await c.query(`update chaos_job_totals set total = total + $2 where run = $1`, [run, job.data.amount]);
          }
          await c.query("commit");
        } catch (err) {
          await c.query("rollback");
          throw err;
        } finally {
          c.release();
        }
      },
      { connection: createRedis({ maxRetriesPerRequest: null }), concurrency: 8, lockDuration: 5000, stalledInterval: 2000 },
    );
    worker.on("error", () => {
      // expected while the master is down
    });

    const amount = (i: number) => (i % 7) + 1;
    const expectedTotal = Array.from({ length: JOBS }, (_, i) => amount(i)).reduce((a, b) => a + b, 0);
    const keys = Array.from({ length: JOBS }, (_, i) => `job-${i}`);
    for (let i = 0; i < JOBS; i += 50) {
      await queue.addBulk(keys.slice(i, i + 50).map((k) => ({ name: "effect", data: { amount: amount(Number(k.slice(4))) }, opts: { jobId: k, attempts: 20, backoff: { type: "exponential", delay: 200 } } })));
    }

    const done = async () => Number((await db.query(`select count(*) n from chaos_job_effects where run = $1`, [run])).rows[0].n);
    await waitFor("some jobs to be processed", async () => (await done()) >= 100, { timeoutMs: 30_000, process: "worker" });

    // Kill the current master the hard way.
    const sentinel = t.redis.sentinels[0];
    if (!sentinel) throw new Error("no sentinel");
    const master = await sentinelMaster(t, sentinel.port);
    const node = t.redis.nodes.find((n) => n.port === master?.port);
    const rec = readRegistry(t.pidFile).find((r) => r.name === node?.name);
    if (!node || !rec) throw new Error("master not found in the registry");
    process.kill(rec.pid, "SIGKILL");
    const killedAt = Date.now();

    const newMaster = await waitFor(
      "Sentinel to promote the replica",
      async () => {
        const m = await sentinelMaster(t, sentinel.port).catch(() => undefined);
        return m && m.port !== node.port ? m : undefined;
      },
      { timeoutMs: 30_000, process: "sentinel" },
    );
    console.log(`redis failover: ${node.port} → ${newMaster.port} in ${Date.now() - killedAt} ms`);

    // Redis replication is asynchronous: a job acknowledged by the dead master may be missing on
    // the new one. The producer's source of truth (here the key list) re-drives what is neither
    // done nor queued; the jobId makes a re-add of a still-queued job a no-op.
    await waitFor(
      "every job to complete",
      async () => {
        const n = await done();
        if (n === JOBS) return true;
        const finished = new Set((await db.query(`select key from chaos_job_effects where run = $1`, [run])).rows.map((r) => r.key as string));
        for (const k of keys) {
          if (finished.has(k)) continue;
          const job = await queue.getJob(k).catch(() => undefined);
          if (!job) await queue.add("effect", { amount: amount(Number(k.slice(4))) }, { jobId: k, attempts: 20 }).catch(() => undefined);
        }
        return false;
      },
      { timeoutMs: 90_000, intervalMs: 2000, process: "worker" },
    );

    const totals = (await db.query(`select total, attempts from chaos_job_totals where run = $1`, [run])).rows[0];
    console.log(`jobs: ${JOBS}, handler attempts: ${totals.attempts}`);
    expect(await done()).toBe(JOBS);
    expect(Number(totals.total)).toBe(expectedTotal);
    expect(Number(totals.attempts)).toBeGreaterThanOrEqual(JOBS);

    await worker.close();
    await queue.close();
    connection.disconnect();

    // Restore the topology: the old master comes back and Sentinel turns it into a replica.
    startRedisNode(t, node.name);
    await waitFor(
      "the old master to rejoin as a replica",
      async () => {
        const info = await redisReplication(t, node.port).catch(() => undefined);
        return info?.role === "slave" && info.master_link_status === "up";
      },
      { timeoutMs: 60_000, intervalMs: 500, process: node.name, logFile: node.logFile },
    );
    await sleep(100);
  });
});
