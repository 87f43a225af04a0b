/**
 * One inventory gRPC instance is SIGKILLed while a burst of checkouts reserves and commits stock
 * through the service. The saga's channel balances over both instances; calls that die with the
 * killed one come back UNAVAILABLE and are retried (channel retry policy, then the saga job's own
 * retries) on the survivor under the same idempotency keys. Every order must end in a terminal
 * state with the invariants of ARCHITECTURE §7 intact: no oversell, one reservation and one commit
 * per sold order, one capture per order.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, Worker } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerHeader } from "@agora/auth/service-token";
import {
  closeAll,
  core,
  createVendor,
  isRetryable,
  withRetry,
  withTenant,
  type CreatedVendor,
} from "@agora/db";
import { inventoryServices, startServices } from "@agora/infra-local/apps";
import { isOurs, readRegistry } from "@agora/infra-local/processes";
import { topology } from "@agora/infra-local/topology";
import { createPaymentSim, DEV_PAYMENT_SIM_ADMIN_TOKEN, type PaymentSim } from "@agora/payment-sim";
import { queueEnqueuer, startCheckout, TERMINAL_STATUSES } from "@agora/orders";
import { createRedis } from "@agora/redis";
import { createCardApiGateway } from "../../apps/workers/src/payments/providers/card-api.ts";
import { createSagaProcessor } from "../../apps/workers/src/sagas/checkout/index.ts";
import { closeInventoryStock } from "../../apps/workers/src/stock/stock-service.ts";

const ORDERS = 24;
const UNITS = 10;
const PRICE = 1200;
const KILLED = "inventory-1";
const run = randomUUID().slice(0, 8);
const t = topology("test");
const simAdmin = bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN);

let sim: PaymentSim;
let simUrl = "";
let vendor: CreatedVendor;
let warehouseId: string;
let userId: string;
let paymentMethodId: string;
const producer = createRedis({ maxRetriesPerRequest: null, connectionName: `inv-chaos-${run}-p` });
const consumer = createRedis({ maxRetriesPerRequest: null, connectionName: `inv-chaos-${run}-c` });
const queue = new Queue(`sagas-inventory-chaos-${run}`, { connection: producer });
let worker: Worker | undefined;
let gateway: ReturnType<typeof createCardApiGateway> | undefined;

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  simUrl = await sim.listen(0, "127.0.0.1");
  const pm = await fetch(`${simUrl}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
    }),
  });
  paymentMethodId = ((await pm.json()) as { id: string }).id;
  gateway = createCardApiGateway({ baseUrl: simUrl, breakerName: `inv-chaos-${run}` });
  vendor = await withRetry(
    () => createVendor({ slug: `inv-chaos-${run}`, name: `Inventory Chaos ${run}` }),
    { attempts: 4, retryIf: () => true },
  );
  warehouseId = await withTenant(vendor.id, async (tx) => {
    const wh = await tx.warehouse.create({
      data: { vendorId: vendor.id, code: "MAIN", name: "Main" },
    });
    return wh.id;
  });
  userId = (
    await core().primary.user.create({
      data: { email: `inv-chaos-${run}@test.agora.local`, name: "Chaos", passwordHash: "x" },
    })
  ).id;
  const enqueue = queueEnqueuer(queue);
  worker = new Worker(
    queue.name,
    createSagaProcessor({ payments: gateway, enqueue, stalledAfterMs: 5_000 }),
    { connection: consumer, concurrency: 8 },
  );
  worker.on("error", (err) => process.stderr.write(`[saga worker] ${err.message}\n`));
});

afterAll(async () => {
  await worker?.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  gateway?.dispose();
  await sim?.close();
  closeInventoryStock();
  producer.disconnect();
  consumer.disconnect();
  // The topology is shared with later test files: bring the killed instance back.
  await startServices(
    t,
    inventoryServices(t).filter((s) => s.name === KILLED),
  );
  await closeAll();
});

/** Polled while the saga worker holds most of this process's core connections: retried. */
async function statuses(ids: string[]): Promise<Map<string, string>> {
  const rows = await withRetry(
    () =>
      core().primary.order.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true },
      }),
    { attempts: 5, retryIf: isRetryable },
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

describe("inventory service instance killed mid-burst", () => {
  it("ends every checkout with no oversell and one reservation, commit and capture per sold order after SIGKILL of one instance", async () => {
    const productId = await withTenant(vendor.id, async (tx) => {
      const p = await tx.product.create({
        data: {
          vendorId: vendor.id,
          categoryId: randomUUID(),
          categorySlug: "inventory-chaos",
          title: `Chaos product ${run}`,
          description: "created by inventory-instance-kill.chaos.test.ts",
          priceCents: PRICE,
        },
      });
      await tx.stockLevel.create({
        data: { vendorId: vendor.id, warehouseId, productId: p.id, onHand: UNITS },
      });
      return p.id;
    });
    const victim = readRegistry(t.pidFile).find((r) => r.name === KILLED && isOurs(r));
    if (!victim) throw new Error(`${KILLED} is not running`);

    const enqueue = queueEnqueuer(queue);
    const placed = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        startCheckout(
          {
            idempotencyKey: `inv-chaos-${run}-${i}`,
            userId,
            items: [{ vendorId: vendor.id, productId, quantity: 1 }],
            paymentMethodId,
          },
          enqueue,
        ),
      ),
    );
    const ids = placed.map((p) => p.orderId);

    // Kill once the burst is in the service: a few orders reserved, most still on their way.
    const killDeadline = Date.now() + 60_000;
    for (;;) {
      const s = await statuses(ids);
      if ([...s.values()].filter((x) => x !== "PENDING").length >= 3) break;
      if (Date.now() > killDeadline) throw new Error("no order left PENDING within 60 s");
      await sleep(50);
    }
    process.kill(victim.pid, "SIGKILL");
    const killedAt = Date.now();

    const deadline = Date.now() + 150_000;
    let final = await statuses(ids);
    while ([...final.values()].some((s) => !TERMINAL_STATUSES.includes(s as never))) {
      if (Date.now() > deadline) {
        const stuck = ids.filter((id) => !TERMINAL_STATUSES.includes(final.get(id) as never));
        throw new Error(`${stuck.length} orders not terminal, e.g. ${final.get(stuck[0] ?? "")}`);
      }
      await sleep(500);
      final = await statuses(ids);
    }
    console.log(`all ${ORDERS} orders terminal ${Date.now() - killedAt} ms after the kill`);
    expect(isOurs(victim)).toBe(false);

    const sold = ids.filter((id) => final.get(id) === "READY_FOR_FULFILMENT");
    const failed = ids.filter((id) => final.get(id) === "FAILED");
    expect(sold).toHaveLength(UNITS);
    expect(failed).toHaveLength(ORDERS - UNITS);
    const reasons = await core().primary.orderEvent.findMany({
      where: { orderId: { in: failed }, type: "OrderFailed" },
      select: { payload: true },
    });
    expect(reasons.map((r) => (r.payload as { reason: string }).reason)).toEqual(
      failed.map(() => "out_of_stock"),
    );

    // No oversell, nothing left reserved; one reserve and one commit movement per sold order.
    const shard = await withTenant(vendor.id, async (tx) => {
      const level = await tx.stockLevel.findFirstOrThrow({ where: { productId } });
      const moves = await tx.stockMovement.findMany({
        where: { productId, reason: { in: ["reserve", "commit", "release"] } },
        select: { reason: true, reference: true },
      });
      const subOrders = await tx.vendorOrder.findMany({
        where: { orderId: { in: ids } },
        select: { orderId: true, status: true },
      });
      return { level, moves, subOrders };
    });
    expect({ onHand: shard.level.onHand, reserved: shard.level.reserved }).toEqual({
      onHand: 0,
      reserved: 0,
    });
    const movesOf = (reason: string) =>
      shard.moves
        .filter((m) => m.reason === reason)
        .map((m) => m.reference)
        .sort();
    const soldRefs = sold.map((id) => `order:${id}`).sort();
    expect(movesOf("reserve")).toEqual(soldRefs);
    expect(movesOf("commit")).toEqual(soldRefs);
    expect(movesOf("release")).toEqual([]);
    expect(new Set(shard.subOrders.map((s) => s.orderId)).size).toBe(shard.subOrders.length);
    expect(shard.subOrders.filter((s) => s.status === "COMMITTED")).toHaveLength(UNITS);

    // One capture per sold order at the provider.
    const ledger = (await (
      await fetch(`${simUrl}/admin/ledger`, { headers: simAdmin })
    ).json()) as { orders: { orderId: string; captureCount: number }[] };
    const captures = new Map(ledger.orders.map((o) => [o.orderId, o.captureCount]));
    for (const id of sold) expect(captures.get(id)).toBe(1);
    for (const id of failed) expect(captures.get(id) ?? 0).toBe(0);
  });
});
