/**
 * The checkout saga against the real topology (core + shard Patroni clusters, Redis via
 * Sentinel, BullMQ) with the payment simulator started in-process on 127.0.0.1:0. Every test
 * creates its own vendor, products and stock, so it does not depend on the seed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, Worker } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeAll,
  core,
  createVendor,
  withRetry,
  withTenant,
  type CreatedVendor,
} from "@agora/db";
import { bearerHeader } from "@agora/auth/service-token";
import {
  createPaymentSim,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
  type PaymentSim,
} from "@agora/payment-sim";
import { createRedis } from "@agora/redis";
import { reserveStock } from "../../stock/reserve-stock.ts";
import { closeInventoryStock } from "../../stock/stock-service.ts";
import {
  loadOrder,
  PAYMENTS_QUEUE,
  placeOrder,
  queueEnqueuer,
  RECOVER_JOB,
  SAGAS_QUEUE,
  shippingOption,
  startCheckout,
  TERMINAL_STATUSES,
  type SagaEnqueue,
} from "@agora/orders";
import { createCardApiGateway } from "../../payments/providers/card-api.ts";
import type { ProviderAdapter } from "../../payments/providers/provider-adapter.ts";
import {
  CHAINED_IN_PAYMENTS_POOL,
  createSagaProcessor,
  recoverStalledSagas,
  refundOrder,
  runSagaStep,
  waitingInQueues,
  type PaymentGateway,
} from "./index.ts";

/** The admin token of in-process simulators (fault injection, ledger). */
const simAdmin = bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN);

const run = randomUUID().slice(0, 8);
const GOOD_CARD = { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const DECLINED_CARD = { ...GOOD_CARD, number: "4000000000000002" };
const TIMEOUT_CARD = { ...GOOD_CARD, number: "4000000000000119" }; // the simulator holds it 30 s
const PRICE = 1999;
// Orders without a shipping choice ship standard; the capture includes it.
const SHIPPING = shippingOption("standard")?.priceCents ?? 0;
/** Payment method tokens from the simulator's hosted card step, one per test card. */
const pm = { good: "", declined: "", timeout: "" };

interface SagaRuntime {
  gateway: ProviderAdapter;
  /** Step attempts that threw (BullMQ retries them); reported, not asserted. */
  failedAttempts: string[];
  enqueue: SagaEnqueue;
  close(): Promise<void>;
}

let sim: PaymentSim;
let simUrl: string;
let runtime: SagaRuntime;
let userId: string;
let vendor: CreatedVendor;
let warehouseId: string;
const runtimes: SagaRuntime[] = [];

/** A queue + in-process BullMQ worker pair with its own breaker, like one `sagas` pool process. */
async function startRuntime(
  name: string,
  breaker: Parameters<typeof createCardApiGateway>[0]["breaker"] = {},
): Promise<SagaRuntime> {
  const producer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: `test-${name}-producer`,
  });
  const consumer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: `test-${name}-worker`,
  });
  const queueName = `sagas-test-${run}-${name}`;
  const queue = new Queue(queueName, { connection: producer });
  const gateway = createCardApiGateway({
    baseUrl: simUrl,
    breakerName: `payment-sim-${run}-${name}`,
    breaker,
  });
  const enqueue = queueEnqueuer(queue);
  const worker = new Worker(
    queueName,
    createSagaProcessor({ payments: gateway, enqueue, stalledAfterMs: 5_000 }),
    {
      connection: consumer,
      concurrency: 16,
    },
  );
  worker.on("error", (err) => {
    process.stderr.write(`[saga worker ${name}] ${err.message}\n`);
  });
  const failedAttempts: string[] = [];
  worker.on("failed", (job, err) => {
    failedAttempts.push(`${job?.name}: ${err.message}`);
  });
  const rt: SagaRuntime = {
    gateway,
    failedAttempts,
    enqueue,
    close: async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      gateway.dispose();
      producer.disconnect();
      consumer.disconnect();
    },
  };
  runtimes.push(rt);
  return rt;
}

const REPO_ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));
const WORKERS_MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/**
 * Starts `main.ts <pool>` as its own process group (so a kill takes the whole pool down). Saga
 * steps need both pools: `sagas` (stock steps) and `payments` (provider steps, the bulkhead).
 */
async function startPoolProcess(
  env: NodeJS.ProcessEnv,
  pool: "sagas" | "payments" = "sagas",
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKERS_MAIN, pool], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${pool} pool did not start in 45 s: ${out}`)),
      45_000,
    );
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${pool} pool exited with ${code}: ${out}`));
    });
  });
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid, signal);
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

// Shard rows are tenant-scoped (row-level security): fixtures act as the test vendor.
async function createProduct(onHand: number): Promise<string> {
  return withTenant(vendor.id, async (db) => {
    const product = await db.product.create({
      data: {
        vendorId: vendor.id,
        categoryId: randomUUID(),
        categorySlug: "saga-test",
        title: `Saga test product ${run}`,
        description: "created by checkout-saga.int.test.ts",
        priceCents: PRICE,
      },
    });
    await db.stockLevel.create({
      data: { vendorId: vendor.id, warehouseId, productId: product.id, onHand },
    });
    return product.id;
  });
}

async function stockOf(productId: string) {
  const row = await withTenant(vendor.id, (db) =>
    db.stockLevel.findFirstOrThrow({ where: { warehouseId, productId, variantId: null } }),
  );
  return { onHand: row.onHand, reserved: row.reserved };
}

async function waitForTerminal(
  orderIds: string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await core().primary.order.findMany({
      where: { id: { in: orderIds } },
      select: { id: true, status: true },
    });
    const statuses = new Map(rows.map((r) => [r.id, r.status]));
    const pending = orderIds.filter((id) => !TERMINAL_STATUSES.includes(statuses.get(id) as never));
    if (pending.length === 0) return statuses;
    if (Date.now() > deadline)
      throw new Error(
        `${pending.length} orders not terminal, e.g. ${pending[0]} is ${statuses.get(pending[0] ?? "")}`,
      );
    await sleep(250);
  }
}

async function failureOf(orderId: string) {
  const e = await core().primary.orderEvent.findFirst({
    where: { orderId, type: { in: ["OrderFailed", "OrderCancelled"] } },
  });
  return e?.payload as { reason: string; detail: string; compensations: string[] } | undefined;
}

interface SimLedger {
  orders: { orderId: string; captureCount: number; capturedCents: number }[];
}
async function simLedger(): Promise<Map<string, SimLedger["orders"][number]>> {
  const body = (await (await fetch(`${simUrl}/admin/ledger`, { headers: simAdmin })).json()) as SimLedger;
  return new Map(body.orders.map((o) => [o.orderId, o]));
}

async function ledgerSum(orderIds?: string[]): Promise<number> {
  const rows = await core().primary.$queryRaw<{ sum: bigint | null }[]>`
    SELECT sum(CASE direction WHEN 'debit' THEN amount_cents ELSE -amount_cents END)::bigint AS sum
    FROM ledger_entries WHERE ${orderIds ?? null}::uuid[] IS NULL OR order_id = ANY(${orderIds ?? []}::uuid[])`;
  return Number(rows[0]?.sum ?? 0);
}

async function tokenize(card: typeof GOOD_CARD): Promise<string> {
  const res = await fetch(`${simUrl}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card }),
  });
  if (res.status !== 201) throw new Error(`tokenize failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  simUrl = await sim.listen(0, "127.0.0.1");
  pm.good = await tokenize(GOOD_CARD);
  pm.declined = await tokenize(DECLINED_CARD);
  pm.timeout = await tokenize(TIMEOUT_CARD);
  runtime = await startRuntime("main", {
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 300 },
  });
  const user = await core().primary.user.create({
    data: {
      email: `saga-${run}@test.agora.local`,
      name: "Saga Shopper",
      passwordHash: "not-a-login",
    },
  });
  userId = user.id;
  vendor = await createVendor({ slug: `saga-${run}`, name: `Saga Vendor ${run}` });
  const wh = await withTenant(vendor.id, (db) =>
    db.warehouse.create({
      data: { vendorId: vendor.id, code: "MAIN", name: "Main warehouse" },
    }),
  );
  warehouseId = wh.id;
});

afterAll(async () => {
  for (const rt of runtimes) await rt.close();
  await sim?.close();
  closeInventoryStock();
  await closeAll();
});

const checkout = (productId: string, key: string, paymentMethodId = pm.good, quantity = 1) => ({
  idempotencyKey: key,
  userId,
  items: [{ vendorId: vendor.id, productId, quantity }],
  paymentMethodId,
});

describe("checkout saga", () => {
  it("never sells more than on-hand stock under 200 concurrent checkouts", async () => {
    const productId = await createProduct(50);
    let minAvailable = Infinity;
    let sampling = true;
    let samples = 0;
    // Watch the stock row while the burst runs: available units must never go below zero. The
    // burst holds this process's pool: a read that finds no connection in time is a missed
    // sample (counted), not a failure of the invariant.
    const sampler = (async () => {
      while (sampling) {
        const s = await withRetry(() => stockOf(productId)).catch(() => undefined);
        if (s) {
          samples++;
          minAvailable = Math.min(minAvailable, s.onHand - s.reserved);
        }
        await sleep(100);
      }
    })();

    const started = Date.now();
    const placed = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        startCheckout(checkout(productId, `burst-${run}-${i}`), runtime.enqueue),
      ),
    );
    const placedMs = Date.now() - started;
    const ids = placed.map((p) => p.orderId);
    expect(new Set(ids).size).toBe(200);
    const statuses = await waitForTerminal(ids, 90_000);
    sampling = false;
    await sampler;
    const elapsed = Date.now() - started;

    const confirmed = ids.filter((id) => statuses.get(id) === "READY_FOR_FULFILMENT");
    const failed = ids.filter((id) => statuses.get(id) === "FAILED");
    expect(confirmed).toHaveLength(50);
    expect(failed).toHaveLength(150);
    for (const id of failed) expect((await failureOf(id))?.reason).toBe("out_of_stock");
    // Every confirmed order passed through CONFIRMED in its event stream.
    const confirmedEvents = await core().primary.orderEvent.count({
      where: { orderId: { in: confirmed }, type: "OrderConfirmed" },
    });
    expect(confirmedEvents).toBe(50);

    expect(await stockOf(productId)).toEqual({ onHand: 0, reserved: 0 });
    expect(samples, "stock samples taken during the burst").toBeGreaterThan(5);
    expect(minAvailable).toBeGreaterThanOrEqual(0);
    const moves = await withTenant(vendor.id, (db) =>
      db.stockMovement.groupBy({
        by: ["reason"],
        where: { productId },
        _sum: { deltaOnHand: true, deltaReserved: true },
        _count: { _all: true },
      }),
    );
    const byReason = Object.fromEntries(moves.map((m) => [m.reason, m]));
    expect(byReason.reserve?._count._all).toBe(50);
    expect(byReason.commit?._sum.deltaOnHand).toBe(-50);
    expect(byReason.release).toBeUndefined(); // out-of-stock orders never held anything

    const ledger = await simLedger();
    for (const id of confirmed) expect(ledger.get(id)?.captureCount).toBe(1);
    for (const id of failed) expect(ledger.get(id)?.captureCount ?? 0).toBe(0);
    expect(await ledgerSum(ids)).toBe(0);
    expect(await ledgerSum()).toBe(0);
    const clearing = await core().primary.$queryRaw<{ debit: bigint }[]>`
      SELECT sum(e.amount_cents)::bigint AS debit FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE a.code = 'payment-clearing' AND e.direction = 'debit' AND e.order_id = ANY(${confirmed}::uuid[])`;
    expect(Number(clearing[0]?.debit)).toBe(50 * (PRICE + SHIPPING));
    process.stdout.write(
      `[saga] 200 checkouts → 50 ready / 150 out of stock in ${elapsed} ms (all placed after ${placedMs} ms, ${runtime.failedAttempts.length} step attempts retried; ${samples} stock samples, lowest available ${minAvailable})\n`,
    );
    for (const f of new Set(runtime.failedAttempts))
      process.stdout.write(`[saga]   retried: ${f}\n`);
  });

  it("fails a declined card, releases its stock and never captures", async () => {
    const productId = await createProduct(5);
    const { orderId } = await startCheckout(
      checkout(productId, `declined-${run}`, pm.declined, 2),
      runtime.enqueue,
    );
    const statuses = await waitForTerminal([orderId], 20_000);
    expect(statuses.get(orderId)).toBe("FAILED");
    expect(await failureOf(orderId)).toMatchObject({
      reason: "payment_declined",
      detail: "card_declined",
      compensations: ["release-stock"],
    });
    expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect((await simLedger()).get(orderId)?.captureCount ?? 0).toBe(0);
    const payments = await runtime.gateway.listByOrder(orderId);
    expect(payments.map((p) => p.status)).toEqual(["declined"]);
    expect(await ledgerSum([orderId])).toBe(0);
  });

  it("fails a payment that times out with payment_timeout and releases its stock", async () => {
    const productId = await createProduct(2);
    const { orderId } = await startCheckout(
      checkout(productId, `timeout-${run}`, pm.timeout),
      runtime.enqueue,
    );
    // The simulator holds this card for 30 s: an order that is terminal within 20 s was failed by
    // our own timeout (2 s × 3 attempts), not by waiting for the provider's answer.
    const statuses = await waitForTerminal([orderId], 20_000);
    expect(statuses.get(orderId)).toBe("FAILED");
    expect((await failureOf(orderId))?.reason).toBe("payment_timeout");
    expect(await stockOf(productId)).toEqual({ onHand: 2, reserved: 0 });
    expect((await simLedger()).get(orderId)?.captureCount ?? 0).toBe(0);
  });

  it("creates one order and one authorization for the same checkout submitted twice with one key", async () => {
    const productId = await createProduct(3);
    const key = `twice-${run}`;
    const [a, b] = await Promise.all([
      startCheckout(checkout(productId, key), runtime.enqueue),
      startCheckout(checkout(productId, key), runtime.enqueue),
    ]);
    expect(a?.orderId).toBe(b?.orderId);
    expect([a?.created, b?.created].sort()).toEqual([false, true]);
    const orderId = a?.orderId ?? "";
    await waitForTerminal([orderId], 20_000);
    // A third submission after the saga finished still answers with the same order.
    expect((await startCheckout(checkout(productId, key), runtime.enqueue)).orderId).toBe(orderId);
    expect(await runtime.gateway.listByOrder(orderId)).toHaveLength(1);
    expect((await simLedger()).get(orderId)?.captureCount).toBe(1);
    expect(await stockOf(productId)).toEqual({ onHand: 2, reserved: 0 });
    const orders = await core().primary.order.count({
      where: { userId, items: { array_contains: [{ productId }] } },
    });
    expect(orders).toBe(1);
  });

  it("resumes a saga whose worker died between reserve and authorize and ends it in a terminal state", async () => {
    const productId = await createProduct(4);
    const { orderId } = await placeOrder(checkout(productId, `recover-${run}`));
    // The "dead" worker: it runs reserve-stock, commits, and its enqueue of the next step is lost.
    const lost: string[] = [];
    const dropped: SagaEnqueue = async (_id, step) => {
      lost.push(step);
    };
    const first = await runSagaStep(orderId, "reserve-stock", {
      payments: runtime.gateway,
      enqueue: dropped,
    });
    expect(first).toMatchObject({
      outcome: "applied",
      status: "STOCK_RESERVED",
      next: "authorize-payment",
    });
    expect(lost).toEqual(["authorize-payment"]);
    expect(await stockOf(productId)).toEqual({ onHand: 4, reserved: 1 });
    // A redelivered reserve job and a direct retry of the shard step change nothing.
    expect(
      (await runSagaStep(orderId, "reserve-stock", { payments: runtime.gateway, enqueue: dropped }))
        .outcome,
    ).toBe("skipped");
    const again = await reserveStock({
      orderId,
      vendorId: vendor.id,
      lines: [{ productId, quantity: 1 }],
      totalCents: PRICE,
    });
    expect(again).toMatchObject({ status: "RESERVED", replayed: true });
    expect(await stockOf(productId)).toEqual({ onHand: 4, reserved: 1 });

    await sleep(1_100);
    const requeued = await recoverStalledSagas({ olderThanMs: 1_000, enqueue: runtime.enqueue });
    expect(requeued).toContainEqual({ orderId, step: "authorize-payment" });
    const statuses = await waitForTerminal([orderId], 20_000);
    expect(statuses.get(orderId)).toBe("READY_FOR_FULFILMENT");
    expect(await stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
    expect((await simLedger()).get(orderId)?.captureCount).toBe(1);
    expect(await ledgerSum([orderId])).toBe(0);
    const versions = (
      await core().primary.orderEvent.findMany({ where: { orderId }, orderBy: { version: "asc" } })
    ).map((e) => e.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));

    // The refund path: provider refund, mirrored ledger transaction, order CANCELLED; idempotent.
    const refunded = await refundOrder(orderId, "changed my mind", { payments: runtime.gateway });
    expect(refunded.status).toBe("CANCELLED");
    expect(
      (await refundOrder(orderId, "changed my mind", { payments: runtime.gateway })).version,
    ).toBe(refunded.version);
    expect(await ledgerSum([orderId])).toBe(0);
    expect((await loadOrder(orderId))?.status).toBe("CANCELLED");
  });

  it("runs the capture in the authorization's job, queues only the stock commit, and queues a chained step that fails as its own job", async () => {
    const productId = await createProduct(4);
    const { orderId } = await placeOrder(checkout(productId, `chain-${run}`));
    const queued: string[] = [];
    const record: SagaEnqueue = async (_id, step) => {
      queued.push(step);
    };
    const ran: string[] = [];
    const onStep = (r: { step: string; outcome: string }) => ran.push(`${r.step} ${r.outcome}`);
    // The stock pool chains nothing: the authorization goes to the payments queue.
    await runSagaStep(orderId, "reserve-stock", { enqueue: record }, { chain: [], onStep });
    expect(queued).toEqual(["authorize-payment"]);
    // The payments pool's job: authorize (which confirms), then capture from the state it just wrote.
    const last = await runSagaStep(
      orderId,
      "authorize-payment",
      { payments: runtime.gateway, enqueue: record },
      { chain: CHAINED_IN_PAYMENTS_POOL, onStep },
    );
    expect(ran).toEqual([
      "reserve-stock applied",
      "authorize-payment applied",
      "capture-payment applied",
    ]);
    expect(last).toMatchObject({ outcome: "applied", status: "CAPTURED", next: "commit-stock" });
    expect(queued).toEqual(["authorize-payment", "commit-stock"]);
    expect((await simLedger()).get(orderId)?.captureCount).toBe(1);

    // A chained capture that fails (a provider hiccup) leaves the authorization committed and the
    // capture queued with the job's retries; the queued capture then captures once.
    const second = await createProduct(4);
    const { orderId: other } = await placeOrder(checkout(second, `chain-fail-${run}`));
    await runSagaStep(other, "reserve-stock", { enqueue: record });
    const hiccup: PaymentGateway = Object.create(runtime.gateway, {
      capture: { value: () => Promise.reject(new Error("provider hiccup")) },
    });
    queued.length = 0;
    const failedChained: string[] = [];
    const stopped = await runSagaStep(
      other,
      "authorize-payment",
      { payments: hiccup, enqueue: record },
      {
        chain: CHAINED_IN_PAYMENTS_POOL,
        onChainedError: (step, err) => failedChained.push(`${step}: ${(err as Error).message}`),
      },
    );
    expect(stopped).toMatchObject({ status: "CONFIRMED", next: "capture-payment" });
    expect(queued).toEqual(["capture-payment"]);
    // Told to the caller (the processor counts it in saga_steps_total{outcome="error"}).
    expect(failedChained).toEqual(["capture-payment: provider hiccup"]);
    expect((await loadOrder(other))?.status).toBe("CONFIRMED");
    await runtime.enqueue(other, "capture-payment");
    const statuses = await waitForTerminal([other], 20_000);
    expect(statuses.get(other)).toBe("READY_FOR_FULFILMENT");
    expect((await simLedger()).get(other)?.captureCount).toBe(1);
  });

  it("leaves a saga whose next step still waits in its queue to that job, and recovers it once the job is gone", async () => {
    const productId = await createProduct(2);
    // A queue nobody consumes: the step job waits there as it would behind a checkout burst.
    const connection = createRedis({ maxRetriesPerRequest: null, connectionName: `test-idle-${run}` });
    const idle = new Queue(`sagas-idle-${run}`, { connection });
    try {
      const { orderId } = await startCheckout(checkout(productId, `queued-${run}`), queueEnqueuer(idle));
      await sleep(1_100);
      const stillQueued = waitingInQueues(idle, idle);
      expect(await stillQueued(orderId, "reserve-stock")).toBe(true);
      const whileQueued = await recoverStalledSagas({
        olderThanMs: 1_000,
        enqueue: runtime.enqueue,
        stillQueued,
      });
      expect(whileQueued).not.toContainEqual({ orderId, step: "reserve-stock" });
      expect((await loadOrder(orderId))?.status).toBe("PENDING");

      // The job is lost (Redis failover, a discarded job): the next sweep starts the step again.
      await idle.obliterate({ force: true });
      const afterLoss = await recoverStalledSagas({
        olderThanMs: 1_000,
        enqueue: runtime.enqueue,
        stillQueued,
      });
      expect(afterLoss).toContainEqual({ orderId, step: "reserve-stock" });
      const statuses = await waitForTerminal([orderId], 20_000);
      expect(statuses.get(orderId)).toBe("READY_FOR_FULFILMENT");
      expect(await stockOf(productId)).toEqual({ onHand: 1, reserved: 0 });
    } finally {
      await idle.obliterate({ force: true });
      await idle.close();
      connection.disconnect();
    }
  });

  it("fails fast with a clear reason and releases stock when the payment provider is down (breaker open)", async () => {
    const outageRuntime = await startRuntime("outage", {
      trip: { kind: "consecutive", failures: 3 },
      halfOpenAfterMs: 60_000,
      timeoutMs: 1_000,
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 100 },
    });
    const productId = await createProduct(10);
    const put = await fetch(`${simUrl}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...simAdmin },
      body: JSON.stringify({ outage: true, scope: "payments" }),
    });
    expect(put.status).toBe(200);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { orderId } = await startCheckout(
          checkout(productId, `outage-${run}-${i}`),
          outageRuntime.enqueue,
        );
        await waitForTerminal([orderId], 20_000);
        ids.push(orderId);
      }
      expect(outageRuntime.gateway.breaker.state).toBe("open");
      // With the circuit open the order fails without waiting on the provider.
      const t0 = Date.now();
      const { orderId: fastId } = await startCheckout(
        checkout(productId, `outage-${run}-fast`),
        outageRuntime.enqueue,
      );
      const statuses = await waitForTerminal([...ids, fastId], 10_000);
      const fastMs = Date.now() - t0;
      expect(fastMs).toBeLessThan(3_000);
      for (const id of [...ids, fastId]) {
        expect(statuses.get(id)).toBe("FAILED");
        const f = await failureOf(id);
        expect(f?.reason).toBe("payment_unavailable");
        expect(f?.compensations).toContain("release-stock");
      }
      expect((await failureOf(fastId))?.detail).toMatch(/^circuit_open/);
      expect(await stockOf(productId)).toEqual({ onHand: 10, reserved: 0 });
      const nonTerminal = await core().primary.order.count({
        where: { id: { in: [...ids, fastId] }, status: { notIn: [...TERMINAL_STATUSES] } },
      });
      expect(nonTerminal).toBe(0);
      process.stdout.write(`[saga] breaker-open checkout failed in ${fastMs} ms\n`);
    } finally {
      await fetch(`${simUrl}/admin/faults`, { method: "DELETE", headers: simAdmin });
    }
  });

  /** Environment, queues and process handles of one `sagas` + `payments` pool pair. */
  async function poolPair(name: string) {
    const env = {
      ...process.env,
      AGORA_PAYMENT_PROVIDER_URL: simUrl,
      // The in-process simulator takes its dev API key, not the topology's.
      AGORA_PAYMENT_PROVIDER_API_KEY: DEV_PAYMENT_PROVIDER_API_KEY,
      // The second provider, PaySwift, is served by the same in-process simulator.
      AGORA_PAYSWIFT_URL: `${simUrl}/payswift`,
      AGORA_PAYSWIFT_API_KEY: DEV_PAYSWIFT_API_KEY,
      SAGA_CONCURRENCY: "8",
      PAYMENTS_CONCURRENCY: "4",
      SAGA_STALLED_AFTER_MS: "1500",
      SAGA_SWEEP_EVERY_MS: "1000",
      // The carrier webhook receiver of the payments pool (its PORT): any free port in tests.
      PORT: "0",
    };
    const producer = createRedis({ maxRetriesPerRequest: null, connectionName: `test-${name}-producer` });
    const sagas = new Queue(SAGAS_QUEUE, { connection: producer });
    const payments = new Queue(PAYMENTS_QUEUE, { connection: producer });
    const children: ChildProcess[] = [];
    const start = async () => {
      const pair = await Promise.all([startPoolProcess(env, "sagas"), startPoolProcess(env, "payments")]);
      children.push(...pair);
      return pair;
    };
    return {
      enqueue: queueEnqueuer(sagas, payments),
      paymentsQueue: payments,
      start,
      close: async () => {
        await fetch(`${simUrl}/admin/faults`, { method: "DELETE", headers: simAdmin });
        for (const c of children) await stopProcess(c, "SIGTERM");
        await sagas.removeJobScheduler(RECOVER_JOB);
        for (const q of [sagas, payments]) {
          await q.obliterate({ force: true });
          await q.close();
        }
        producer.disconnect();
      },
    };
  }

  async function waitForCount(count: () => Promise<number>, atLeast: number, what: string) {
    const deadline = Date.now() + 30_000;
    while ((await count()) < atLeast) {
      if (Date.now() > deadline) throw new Error(`${what}: fewer than ${atLeast} after 30 s`);
      await sleep(50);
    }
  }

  it("resumes sagas after their worker processes are SIGKILLed mid-flight", async () => {
    const productId = await createProduct(20);
    const pools = await poolPair("kill");
    // Slow payments keep sagas in flight when the kill lands.
    await fetch(`${simUrl}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...simAdmin },
      body: JSON.stringify({ latencyMs: 300, scope: "payments" }),
    });
    try {
      const first = await pools.start();
      const placed = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          startCheckout(checkout(productId, `kill-${run}-${i}`), pools.enqueue),
        ),
      );
      const ids = placed.map((p) => p.orderId);
      await waitForCount(
        () => core().primary.order.count({ where: { id: { in: ids }, status: { notIn: ["PENDING"] } } }),
        3,
        "orders past PENDING",
      );
      for (const c of first) await stopProcess(c, "SIGKILL");
      const inFlight = await core().primary.order.count({
        where: { id: { in: ids }, status: { notIn: [...TERMINAL_STATUSES] } },
      });
      await fetch(`${simUrl}/admin/faults`, { method: "DELETE", headers: simAdmin });

      await pools.start();
      const statuses = await waitForTerminal(ids, 45_000);
      expect(inFlight).toBeGreaterThan(0);
      expect(ids.filter((id) => statuses.get(id) === "READY_FOR_FULFILMENT")).toHaveLength(12);
      expect(await stockOf(productId)).toEqual({ onHand: 8, reserved: 0 });
      const ledger = await simLedger();
      for (const id of ids) expect(ledger.get(id)?.captureCount).toBe(1);
      expect(await ledgerSum(ids)).toBe(0);
      process.stdout.write(
        `[saga] workers SIGKILLed with ${inFlight}/12 sagas in flight; all 12 finished after restart\n`,
      );
    } finally {
      await pools.close();
    }
  });

  it("ends every saga after its workers are killed between capture and fulfilment, with the invariants intact", async () => {
    const productId = await createProduct(30);
    const pools = await poolPair("capture-kill");
    let minAvailable = Infinity;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const st = await withRetry(() => stockOf(productId));
        minAvailable = Math.min(minAvailable, st.onHand - st.reserved);
        await sleep(100);
      }
    })();
    // Slow payment calls hold orders between STOCK_RESERVED and CAPTURED long enough to aim the kills.
    await fetch(`${simUrl}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...simAdmin },
      body: JSON.stringify({ latencyMs: 400, scope: "payments" }),
    });
    try {
      const [sagasProcess, paymentsProcess] = await pools.start();
      const placed = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          startCheckout(checkout(productId, `capture-kill-${run}-${i}`), pools.enqueue),
        ),
      );
      const ids = placed.map((p) => p.orderId);
      const atStatus = (status: string) =>
        core().primary.order.count({ where: { id: { in: ids }, status } });
      // The stock worker dies once an order's authorization is on `payments`: the payments pool
      // goes on to confirm and capture (chained in the authorization's job), and the commit-stock
      // (fulfilment) steps it queues wait on a queue nobody serves. Then the payments worker dies.
      // Aim at an authorization that is already queued: a kill between the STOCK_RESERVED commit
      // and its enqueue would leave it to the (dead) sweep, which is the other test's case.
      const authorizationsQueued = async () =>
        (await pools.paymentsQueue.getJobs(["waiting", "active", "delayed"])).filter(
          (j) => j.name === "authorize-payment",
        ).length;
      await waitForCount(authorizationsQueued, 1, "authorizations queued");
      if (sagasProcess) await stopProcess(sagasProcess, "SIGKILL");
      await waitForCount(() => atStatus("CAPTURED"), 1, "orders captured");
      if (paymentsProcess) await stopProcess(paymentsProcess, "SIGKILL");
      const stranded = await atStatus("CAPTURED");
      await fetch(`${simUrl}/admin/faults`, { method: "DELETE", headers: simAdmin });

      await pools.start();
      const statuses = await waitForTerminal(ids, 60_000);
      sampling = false;
      await sampler;
      expect(stranded).toBeGreaterThan(0);
      for (const id of ids) expect(TERMINAL_STATUSES).toContain(statuses.get(id));
      const ready = ids.filter((id) => statuses.get(id) === "READY_FOR_FULFILMENT");
      const ledger = await simLedger();
      // One capture per order that went through, none for any other; the ledger sums to zero.
      for (const id of ids) expect(ledger.get(id)?.captureCount ?? 0).toBe(ready.includes(id) ? 1 : 0);
      expect(await ledgerSum(ids)).toBe(0);
      expect(await ledgerSum()).toBe(0);
      expect(minAvailable).toBeGreaterThanOrEqual(0);
      expect(await stockOf(productId)).toEqual({ onHand: 30 - ready.length, reserved: 0 });
      process.stdout.write(
        `[saga] ${stranded}/12 orders stranded between capture and fulfilment by two SIGKILLs; all 12 terminal after restart (${ready.length} ready)\n`,
      );
    } finally {
      sampling = false;
      await sampler;
      await pools.close();
    }
  });
});
