/**
 * Two providers under a real checkout load: the card provider goes down during concurrent
 * checkouts, the router fails over to PaySwift, every order completes, and across both providers'
 * books each order is captured exactly once for exactly its total. Then the reconciliation finds
 * and repairs differences made on purpose (a stray hold, a second charge).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, Worker } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerHeader } from "@agora/auth/service-token";
import { closeAll, core, createVendor, withTenant, type CreatedVendor } from "@agora/db";
import {
  queueEnqueuer,
  shippingOption,
  startCheckout,
  TERMINAL_STATUSES,
  type SagaEnqueue,
} from "@agora/orders";
import { createPaymentSim, DEV_PAYMENT_SIM_ADMIN_TOKEN, type PaymentSim } from "@agora/payment-sim";
import { createRedis } from "@agora/redis";
import { createSagaProcessor } from "../sagas/checkout/saga-processor.ts";
import { createCardApiGateway } from "./providers/card-api.ts";
import { createPaySwiftGateway, PAYSWIFT_CURRENCIES } from "./providers/payswift.ts";
import type { ProviderAdapter } from "./providers/provider-adapter.ts";
import { reconcilePayments } from "./reconciliation/reconcile-payments.ts";
import {
  createRoutedPayments,
  parsePaymentId,
  type RoutedPayments,
} from "./routing/routed-gateway.ts";
import { databaseRouteStore } from "./routing/route-store.ts";

const run = randomUUID().slice(0, 8);
const admin = { "content-type": "application/json", ...bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN) };
const PRICE = 1999;
const TOTAL = PRICE + (shippingOption("standard")?.priceCents ?? 0);

let sim: PaymentSim;
let simUrl: string;
let providers: ProviderAdapter[];
let router: RoutedPayments;
let enqueue: SagaEnqueue;
let closeRuntime: () => Promise<void>;
let userId: string;
let vendor: CreatedVendor;
let warehouseId: string;
let token: string;

interface Books {
  orders: { orderId: string; captureCount: number; capturedCents: number; refundedCents: number }[];
}
async function books(path: "/admin/ledger" | "/admin/payswift/ledger") {
  const body = (await (await fetch(`${simUrl}${path}`, { headers: admin })).json()) as Books;
  return new Map(body.orders.map((o) => [o.orderId, o]));
}

async function faults(path: "/admin/faults" | "/admin/payswift/faults", body: object | null) {
  await fetch(`${simUrl}${path}`, {
    method: body ? "PUT" : "DELETE",
    headers: admin,
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function createProduct(onHand: number): Promise<string> {
  return withTenant(vendor.id, async (db) => {
    const product = await db.product.create({
      data: {
        vendorId: vendor.id,
        categoryId: randomUUID(),
        categorySlug: "payments-test",
        title: `Multi-provider test product ${run}`,
        description: "created by multi-provider.int.test.ts",
        priceCents: PRICE,
      },
    });
    await db.stockLevel.create({
      data: { vendorId: vendor.id, warehouseId, productId: product.id, onHand },
    });
    return product.id;
  });
}

async function checkouts(productId: string, n: number, tag: string): Promise<string[]> {
  const placed = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      startCheckout(
        {
          idempotencyKey: `mp-${run}-${tag}-${i}`,
          userId,
          items: [{ vendorId: vendor.id, productId, quantity: 1 }],
          paymentMethodId: token,
        },
        enqueue,
      ),
    ),
  );
  return placed.map((p) => p.orderId);
}

async function waitForTerminal(ids: string[], timeoutMs: number): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await core().primary.order.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true },
    });
    const statuses = new Map(rows.map((r) => [r.id, r.status]));
    const pending = ids.filter((id) => !TERMINAL_STATUSES.includes(statuses.get(id) as never));
    if (pending.length === 0) return statuses;
    if (Date.now() > deadline) {
      const byStatus: Record<string, number> = {};
      for (const id of pending) {
        const status = statuses.get(id) ?? "missing";
        byStatus[status] = (byStatus[status] ?? 0) + 1;
      }
      throw new Error(`${pending.length} orders not terminal: ${JSON.stringify(byStatus)}`);
    }
    await sleep(250);
  }
}

/** Net captured per order across both providers' books, and how many captures made it. */
async function chargesOf(ids: string[]) {
  const [card, swift] = await Promise.all([
    books("/admin/ledger"),
    books("/admin/payswift/ledger"),
  ]);
  return ids.map((id) => {
    const c = card.get(id);
    const s = swift.get(id);
    return {
      id,
      captures: (c?.captureCount ?? 0) + (s?.captureCount ?? 0),
      netCents:
        (c?.capturedCents ?? 0) -
        (c?.refundedCents ?? 0) +
        (s?.capturedCents ?? 0) -
        (s?.refundedCents ?? 0),
      card: c?.captureCount ?? 0,
      payswift: s?.captureCount ?? 0,
    };
  });
}

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  simUrl = await sim.listen(0, "127.0.0.1");
  const breaker = {
    trip: { kind: "consecutive" as const, failures: 3 },
    halfOpenAfterMs: 1_000,
    timeoutMs: 2_000,
    retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 100 },
  };
  const card = createCardApiGateway({ baseUrl: simUrl, breakerName: `card-${run}`, breaker });
  const payswift = createPaySwiftGateway({
    baseUrl: `${simUrl}/payswift`,
    breakerName: `payswift-${run}`,
    breaker,
  });
  providers = [card, payswift];
  router = createRoutedPayments({
    providers,
    profiles: [
      { name: "card", currencies: "any", feeBps: 250, fixedFeeCents: 25 },
      { name: "payswift", currencies: PAYSWIFT_CURRENCIES, feeBps: 290, fixedFeeCents: 30 },
    ],
    store: databaseRouteStore,
  });
  const producer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: `test-mp-${run}-producer`,
  });
  const consumer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: `test-mp-${run}-worker`,
  });
  const queue = new Queue(`payments-test-${run}`, { connection: producer });
  enqueue = queueEnqueuer(queue);
  const worker = new Worker(
    queue.name,
    createSagaProcessor({ payments: router, enqueue, stalledAfterMs: 5_000 }),
    {
      connection: consumer,
      concurrency: 16,
    },
  );
  worker.on("error", (err) => process.stderr.write(`[mp worker] ${err.message}\n`));
  closeRuntime = async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    router.dispose();
    producer.disconnect();
    consumer.disconnect();
  };

  const res = await fetch(`${simUrl}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
    }),
  });
  token = ((await res.json()) as { id: string }).id;
  userId = (
    await core().primary.user.create({
      data: {
        email: `mp-${run}@test.agora.local`,
        name: "Multi Provider Shopper",
        passwordHash: "not-a-login",
      },
    })
  ).id;
  vendor = await createVendor({ slug: `mp-${run}`, name: `Multi Provider Vendor ${run}` });
  warehouseId = (
    await withTenant(vendor.id, (db) =>
      db.warehouse.create({ data: { vendorId: vendor.id, code: "MAIN", name: "Main warehouse" } }),
    )
  ).id;
});

afterAll(async () => {
  await closeRuntime?.();
  await sim?.close();
  await closeAll();
});

const completed: string[] = [];

describe("payments over two providers", () => {
  it("completes every order through PaySwift while the card provider is down, with 0 double charges", async () => {
    const productId = await createProduct(60);
    // Healthy: the card provider is cheaper, so it takes the payments.
    const before = await checkouts(productId, 10, "before");
    await waitForTerminal(before, 120_000);
    // The card provider goes down while checkouts run concurrently.
    await faults("/admin/faults", { outage: true, scope: "payments" });
    let during: string[];
    try {
      during = await checkouts(productId, 20, "during");
      await waitForTerminal([...before, ...during], 200_000);
    } finally {
      await faults("/admin/faults", null);
    }
    const ids = [...before, ...during];
    const statuses = await waitForTerminal(ids, 30_000);
    expect(ids.filter((id) => statuses.get(id) !== "READY_FOR_FULFILMENT")).toEqual([]);
    completed.push(...ids);

    const charges = await chargesOf(ids);
    const doubleCharges = charges.filter((c) => c.captures !== 1 || c.netCents !== TOTAL);
    expect(doubleCharges).toEqual([]);
    const perProvider = {
      card: charges.reduce((s, c) => s + c.card, 0),
      payswift: charges.reduce((s, c) => s + c.payswift, 0),
    };
    // Before the outage the cheaper card provider took every payment; during it, PaySwift did.
    expect(charges.filter((c) => before.includes(c.id)).every((c) => c.card === 1)).toBe(true);
    const duringCharges = charges.filter((c) => during.includes(c.id));
    expect(duringCharges.every((c) => c.payswift === 1 && c.card === 0)).toBe(true);
    // The order's recorded provider is the one that holds its payment.
    const rows = await core().primary.payment.findMany({ where: { orderId: { in: ids } } });
    for (const r of rows)
      expect(parsePaymentId(r.providerRef ?? "").provider).toBe(r.provider ?? "card");
    process.stdout.write(
      `[payments] orders ${ids.length}, captures card ${perProvider.card}, payswift ${perProvider.payswift}, ` +
        `double charges ${doubleCharges.length}\n`,
    );
  }, 300_000);

  it("reconciliation voids a stray hold, refunds a second charge, and finds nothing on the next run", async () => {
    expect(completed.length).toBeGreaterThan(0);
    // A hold at PaySwift for an order that does not exist.
    const strayOrder = randomUUID();
    await providers[1]!.authorize(
      { orderId: strayOrder, amountCents: 1_234, currency: "EUR", paymentMethodId: token },
      `${strayOrder}:manual`,
    );
    // A second charge for a completed order, at the provider that does not hold its payment.
    const victim = completed[0]!;
    const holder =
      (await core().primary.payment.findFirstOrThrow({ where: { orderId: victim } })).provider ??
      "card";
    const other = providers.find((p) => p.name !== holder)!;
    const second = await other.authorize(
      { orderId: victim, amountCents: TOTAL, currency: "EUR", paymentMethodId: token },
      `${victim}:manual-second`,
    );
    await other.capture(second.id, `${victim}:manual-second-capture`);
    expect((await chargesOf([victim]))[0]).toMatchObject({ captures: 2, netCents: 2 * TOTAL });

    const report = await reconcilePayments({ providers, windowMs: 3_600_000, graceMs: 0, enqueue });
    const mine = report.differences.filter(
      (d) => d.orderId === strayOrder || completed.includes(d.orderId),
    );
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "orphan_authorization",
          orderId: strayOrder,
          action: "voided",
        }),
        expect.objectContaining({
          kind: "capture_without_order",
          orderId: victim,
          action: "refunded",
        }),
      ]),
    );
    expect(mine).toHaveLength(2);
    expect(report.providers.every((p) => p.reachable)).toBe(true);
    expect((await providers[1]!.listByOrder(strayOrder))[0]?.status).toBe("voided");
    expect((await chargesOf([victim]))[0]?.netCents).toBe(TOTAL);

    const again = await reconcilePayments({ providers, windowMs: 3_600_000, graceMs: 0, enqueue });
    expect(
      again.differences.filter((d) => d.orderId === strayOrder || completed.includes(d.orderId)),
    ).toEqual([]);
    process.stdout.write(
      `[payments] reconciliation: ${report.differences.length} differences in the window, ${mine.length} made on purpose, repaired: ${mine.map((d) => d.action).join(", ")}\n`,
    );
  });
});
