/**
 * The product's own BullMQ consumers through a Redis failover that loses acknowledged jobs.
 *
 * Real checkouts run through the real worker processes (`sagas`, `payments`, `outbox-relay`,
 * `notifications`, `maintenance`). The Redis replica is frozen while the orders are placed, so
 * everything Redis acknowledges in that window (saga step jobs, outbox messages, delivery jobs)
 * exists on the primary only; then the primary is SIGKILLed and Sentinel promotes the stale
 * replica: those jobs are gone for good. Nothing in the test re-sends them. The lost-job sweep
 * (apps/workers/src/lost-jobs, leader-elected in the maintenance process) must find every order,
 * outbox message and delivery whose durable record says unfinished and whose job is missing, and
 * the idempotent consumers must turn the re-sent work into exactly one effect each.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerHeader } from "@agora/auth/service-token";
import { closeAll, core, createVendor, withRetry, withTenant } from "@agora/db";
import { readRegistry, startRedisNode, waitFor } from "@agora/infra-local/processes";
import { redisReplication, sentinelMaster } from "@agora/infra-local/probes";
import { topology } from "@agora/infra-local/topology";
import {
  createPaymentSim,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  type PaymentSim,
} from "@agora/payment-sim";
import {
  nextStep,
  type OrderStatus,
  PAYMENT_STEPS,
  PAYMENTS_QUEUE,
  queueEnqueuer,
  SAGAS_QUEUE,
  startCheckout,
  TERMINAL_STATUSES,
} from "@agora/orders";
import { createRedis } from "@agora/redis";
import { missingJobIds } from "../../apps/workers/src/lost-jobs/live-jobs.ts";
import { type Channel, channelQueueName } from "../../apps/workers/src/notifications/channels.ts";
import { NOTIFICATIONS_CONSUMER } from "../../apps/workers/src/notifications/notification-service.ts";
import { outboxMessageId } from "../../apps/workers/src/outbox/outbox-message.ts";

const ORDERS = 24;
/**
 * Written first while the replica is frozen: more than the loopback socket buffers hold, so the
 * replication stream behind it (the checkouts' jobs) stays in the primary's output buffer and dies
 * with it. Without it the frozen replica would read the buffered stream after SIGCONT.
 */
const BALLAST_BYTES = 32 * 1024 * 1024;
const PRICE = 1500;
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKERS_MAIN = fileURLToPath(new URL("../../apps/workers/src/main.ts", import.meta.url));
const POOLS = ["sagas", "payments", "outbox-relay", "notifications", "maintenance"] as const;
const simAdmin = bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN);
const run = randomUUID().slice(0, 8);
const t = topology("test");

let sim: PaymentSim;
let simUrl: string;
const pools: { name: string; child: ChildProcess; output: () => string }[] = [];
/** The Redis node this test killed, brought back afterwards whatever the outcome. */
let killedNode: (typeof t.redis.nodes)[number] | undefined;

async function startPool(name: (typeof POOLS)[number], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ["--import", "tsx", WORKERS_MAIN, name], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stderr?.on("data", collect);
  child.stdout?.on("data", collect);
  pools.push({ name, child, output: () => out });
  const deadline = Date.now() + 90_000;
  while (!out.includes('"msg":"started"')) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${out.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start in 90 s: ${out.slice(-2000)}`);
    await sleep(200);
  }
}

async function stopPool(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

async function tokenizeGoodCard(): Promise<string> {
  const res = await fetch(`${simUrl}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" } }),
  });
  if (res.status !== 201) throw new Error(`tokenize failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** The Redis node Sentinel names as master, and the other one. */
async function redisRoles() {
  const sentinel = t.redis.sentinels[0]!;
  const master = await sentinelMaster(t, sentinel.port);
  const primary = t.redis.nodes.find((n) => n.port === master?.port);
  const replica = t.redis.nodes.find((n) => n.port !== master?.port);
  const pidOf = (name?: string) => readRegistry(t.pidFile).find((r) => r.name === name)?.pid;
  const primaryPid = pidOf(primary?.name);
  const replicaPid = pidOf(replica?.name);
  if (!primary || !replica || !primaryPid || !replicaPid) throw new Error("Redis nodes not found in the registry");
  return { sentinel, primary, replica, primaryPid, replicaPid };
}

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  simUrl = await sim.listen(0, "127.0.0.1");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AGORA_PAYMENT_PROVIDER_URL: simUrl,
    AGORA_PAYMENT_PROVIDER_API_KEY: DEV_PAYMENT_PROVIDER_API_KEY,
    // Listening ports of the pools (metrics, carrier webhook): any free one.
    PORT: "0",
    // The sagas pool's own recovery rides on a BullMQ job scheduler, i.e. on the Redis that is
    // about to lose data: kept out of the way so that what recovers the orders is the sweep.
    SAGA_SWEEP_EVERY_MS: "3600000",
    SAGA_STALLED_AFTER_MS: "3600000",
    LOST_JOB_SWEEP_EVERY_MS: "1000",
    LOST_JOB_GRACE_MS: "3000",
  };
  for (const name of POOLS) await startPool(name, env);
}, 400_000);

afterAll(async () => {
  for (const p of pools) await stopPool(p.child);
  // Restore the topology: the old primary comes back and Sentinel turns it into a replica.
  const node = killedNode;
  if (node) {
    startRedisNode(t, node.name);
    await waitFor(
      "the old primary to rejoin as a replica",
      async () => {
        const info = await redisReplication(t, node.port).catch(() => undefined);
        return info?.role === "slave" && info.master_link_status === "up";
      },
      { timeoutMs: 60_000, intervalMs: 500, process: node.name, logFile: node.logFile },
    );
  }
  await sim?.close();
  await closeAll();
});

/**
 * Where each order's confirmation stands when it is late: the OrderConfirmed event (published?
 * its job in the notifications queue and that job's state? consumed?), and each unsent delivery
 * with its job's state in its channel queue.
 */
async function notificationsReport(userId: string, orderIds: string[], notificationsQueue: Queue): Promise<string> {
  const lines: string[] = [];
  const events = (
    await core().primary.$queryRaw<{ id: string; order_id: string; published: boolean }[]>`
      SELECT id::text, aggregate_id AS order_id, published_at IS NOT NULL AS published
        FROM outbox WHERE aggregate_id = ANY(${orderIds}::text[]) AND event_type = 'OrderConfirmed'`
  ).map((e) => ({ ...e, messageId: outboxMessageId(core().name, e.id) }));
  const consumed = new Set(
    (
      await core().primary.$queryRaw<{ message_id: string }[]>`
        SELECT message_id FROM processed_messages
         WHERE consumer = ${NOTIFICATIONS_CONSUMER} AND message_id = ANY(${events.map((e) => e.messageId)}::text[])`
    ).map((r) => r.message_id),
  );
  lines.push(`OrderConfirmed events: ${events.length} of ${orderIds.length} orders`);
  for (const e of events.filter((e) => !consumed.has(e.messageId))) {
    const job = await notificationsQueue.getJob(e.messageId);
    const state = job ? await job.getState() : "no job";
    lines.push(`  not consumed: order ${e.order_id} published=${e.published} job=${state} attempts=${job?.attemptsMade ?? "-"} ${job?.failedReason ?? ""}`);
  }
  const deliveries = await core().primary.$queryRaw<{ id: string; order_id: string; channel: Channel; status: string; attempts: number; last_error: string | null; age_s: number }[]>`
    SELECT d.id::text, n.order_id::text, d.channel, d.status, d.attempts, d.last_error,
           extract(epoch FROM now() - d.updated_at)::int AS age_s
      FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
     WHERE n.user_id = ${userId}::uuid AND n.kind = 'order_confirmed' AND d.status <> 'sent'`;
  lines.push(`unsent deliveries: ${deliveries.length}`);
  for (const d of deliveries) {
    const q = new Queue(channelQueueName(d.channel), { connection: notificationsQueue.opts.connection });
    const job = await q.getJob(d.id);
    const state = job ? await job.getState() : "no job";
    lines.push(
      `  ${d.channel} ${d.id} (order ${d.order_id}): row ${d.status}, ${d.attempts} attempts, untouched ${d.age_s} s, ${d.last_error ?? ""}; job ${state} attemptsMade=${job?.attemptsMade ?? "-"} ${job?.failedReason ?? ""}`,
    );
    await q.close();
  }
  return lines.join("\n");
}

/** The pools' last output lines, for a failure message. */
function printPoolTails(): void {
  for (const p of pools) console.log(`--- ${p.name} (last lines)\n${p.output().split("\n").slice(-25).join("\n")}`);
}

describe("the product's worker pools through a Redis failover", () => {
  it(`brings each of ${ORDERS} checkouts to its final state, captured once and notified once, after Sentinel promotes a replica that lost their jobs`, async () => {
    const paymentMethodId = await tokenizeGoodCard();
    // Fixtures through the bounded retry: on this shared machine a first connection can time out.
    const { user, vendor, productId } = await withRetry(async (attempt) => {
      // A new name per attempt: an attempt that failed half-way leaves its rows behind.
      const key = `${run}-${attempt}`;
      const user = await core().primary.user.create({
        data: { email: `redis-chaos-${key}@test.agora.local`, name: "Failover Shopper", passwordHash: "not-a-login" },
      });
      const vendor = await createVendor({ slug: `redis-chaos-${key}`, name: `Redis Chaos ${key}` });
      const productId = await withTenant(vendor.id, async (db) => {
        const wh = await db.warehouse.create({ data: { vendorId: vendor.id, code: "MAIN", name: "Main" } });
        const p = await db.product.create({
          data: {
            vendorId: vendor.id,
            categoryId: randomUUID(),
            categorySlug: "redis-chaos",
            title: `Failover kettle ${run}`,
            description: "created by worker-pools-redis-failover.chaos.test.ts",
            priceCents: PRICE,
          },
        });
        await db.stockLevel.create({ data: { vendorId: vendor.id, warehouseId: wh.id, productId: p.id, onHand: ORDERS * 2 } });
        return p.id;
      });
      return { user, vendor, productId };
    });

    // Slow payments keep the sagas in flight when the primary dies.
    await fetch(`${simUrl}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...simAdmin },
      body: JSON.stringify({ latencyMs: 400, scope: "payments" }),
    });

    const producer = createRedis({ maxRetriesPerRequest: null, connectionName: `chaos-${run}-producer` });
    producer.on("error", () => undefined); // the failover below breaks this connection on purpose
    const sagas = new Queue(SAGAS_QUEUE, { connection: producer });
    const payments = new Queue(PAYMENTS_QUEUE, { connection: producer });
    for (const q of [sagas, payments]) q.on("error", () => undefined);
    const enqueue = queueEnqueuer(sagas, payments);

    // From here on the replica copies nothing: whatever the primary acknowledges is lost with it.
    const before = await redisRoles();
    process.kill(before.replicaPid, "SIGSTOP");
    let orderIds: string[];
    try {
      await producer.set(`chaos:replication-ballast:${run}`, Buffer.alloc(BALLAST_BYTES, 120));
      const placed = await Promise.all(
        Array.from({ length: ORDERS }, (_, i) =>
          startCheckout(
            {
              idempotencyKey: `redis-chaos-${run}-${i}`,
              userId: user.id,
              items: [{ vendorId: vendor.id, productId, quantity: 1 }],
              paymentMethodId,
            },
            enqueue,
          ),
        ),
      );
      orderIds = placed.map((p) => p.orderId);
      // Let the pools get some of them part-way (steps done, next steps and outbox jobs queued).
      await sleep(1500);
      process.kill(before.primaryPid, "SIGKILL");
      killedNode = before.primary;
    } finally {
      process.kill(before.replicaPid, "SIGCONT");
    }
    const killedAt = Date.now();
    const promoted = await waitFor(
      "Sentinel to promote the replica",
      async () => {
        const m = await sentinelMaster(t, before.sentinel.port).catch(() => undefined);
        return m && m.port === before.replica.port ? m : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, process: "sentinel" },
    );
    console.log(`redis failover: ${before.primary.port} → ${promoted.port} in ${Date.now() - killedAt} ms`);
    await fetch(`${simUrl}/admin/faults`, { method: "DELETE", headers: simAdmin });

    // What the failover lost: next saga steps of unfinished orders, and the orders' published
    // events that never reached the notifications consumer's queue.
    const notificationsQueue = new Queue("outbox-order.notifications", { connection: producer });
    notificationsQueue.on("error", () => undefined);
    const lostAtFailover = await waitFor(
      "the new primary to answer",
      async () => {
        const rows = await core().primary.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, status: true } });
        const due = rows.flatMap((r) => {
          const step = nextStep(r.status as OrderStatus);
          return step ? [{ id: `${r.id}.${step}`, payments: PAYMENT_STEPS.includes(step) }] : [];
        });
        const events = await core().primary.$queryRaw<{ id: string }[]>`
          SELECT id::text FROM outbox WHERE aggregate_id = ANY(${orderIds}::text[]) AND published_at IS NOT NULL`;
        const [a, b, c] = await Promise.all([
          missingJobIds(payments, due.filter((d) => d.payments).map((d) => d.id), 3000),
          missingJobIds(sagas, due.filter((d) => !d.payments).map((d) => d.id), 3000),
          missingJobIds(notificationsQueue, events.map((e) => `${core().name}-${e.id}`), 3000),
        ]);
        return { sagaSteps: a.size + b.size, events: c.size };
      },
      { timeoutMs: 30_000, intervalMs: 250, process: "redis" },
    );
    console.log(
      `lost in the failover: ${lostAtFailover.sagaSteps} next saga steps of ${ORDERS} orders, ${lostAtFailover.events} order events for notifications`,
    );
    expect(lostAtFailover.sagaSteps + lostAtFailover.events).toBeGreaterThan(0);

    // Every order reaches its final state, with nobody but the product re-driving the work.
    let last: { id: string; status: string }[] = [];
    const statuses = await waitFor(
      "every order to reach its final state",
      async () => {
        const rows = await core().primary.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, status: true } });
        last = rows;
        return rows.length === ORDERS && rows.every((r) => TERMINAL_STATUSES.includes(r.status as never)) ? rows : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 1000, process: "workers" },
    ).catch((err: unknown) => {
      // What the orders and the pools were doing when time ran out.
      const byStatus = new Map<string, number>();
      for (const r of last) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      console.log(`orders by status: ${JSON.stringify(Object.fromEntries(byStatus))}`);
      printPoolTails();
      throw err;
    });
    expect(statuses.map((r) => r.status)).toEqual(Array(ORDERS).fill("READY_FOR_FULFILMENT"));

    // Captured exactly once each at the provider (the capture step is idempotent by key).
    const ledger = (await (await fetch(`${simUrl}/admin/ledger`, { headers: simAdmin })).json()) as {
      orders: { orderId: string; captureCount: number }[];
    };
    const captures = new Map(ledger.orders.map((o) => [o.orderId, o.captureCount]));
    expect(orderIds.map((id) => captures.get(id))).toEqual(Array(ORDERS).fill(1));

    // One confirmation per order in the shopper's inbox, every delivery of it sent.
    const notices = await waitFor(
      "every order's confirmation to be delivered on every channel",
      async () => {
        const rows = await core().primary.$queryRaw<{ order_id: string; notices: number; unsent: number }[]>`
          SELECT n.order_id::text, count(DISTINCT n.id)::int AS notices,
                 count(d.id) FILTER (WHERE d.status <> 'sent')::int AS unsent
            FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
           WHERE n.user_id = ${user.id}::uuid AND n.kind = 'order_confirmed'
           GROUP BY n.order_id`;
        return rows.length === ORDERS && rows.every((r) => r.unsent === 0) ? rows : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, process: "notifications" },
    ).catch(async (err: unknown) => {
      console.log(await notificationsReport(user.id, orderIds, notificationsQueue));
      printPoolTails();
      throw err;
    });
    expect(notices.every((r) => r.notices === 1)).toBe(true);

    // The work was really lost and really re-sent by the sweep, not by anything else.
    const sweepLines = pools
      .find((p) => p.name === "maintenance")!
      .output()
      .split("\n")
      .filter((l) => l.includes("re-enqueued work whose job was missing"));
    const resent = sweepLines
      .map((l) => JSON.parse(l) as { sagaSteps: unknown[]; deliveries: unknown[]; outboxMessages: unknown[] })
      .reduce((n, l) => n + l.sagaSteps.length + l.deliveries.length + l.outboxMessages.length, 0);
    console.log(`lost-job sweep re-enqueued ${resent} jobs in ${sweepLines.length} sweeps`);
    expect(resent).toBeGreaterThan(0);

    await Promise.all([sagas.close(), payments.close(), notificationsQueue.close()]);
    producer.disconnect();
  });
});
