/**
 * Cart → checkout → order through the tRPC procedures, against the real topology: Redis via
 * Sentinel for carts, the vendor shards for prices and stock, core for orders, and an in-process
 * `sagas` worker with the payment simulator on 127.0.0.1:0. Each run creates its own vendor,
 * products and users.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  closeAll,
  core,
  createVendor,
  verifyPassword,
  withRetry,
  withTenant,
  type CreatedVendor,
} from "@agora/db";
import {
  admissionKeys,
  CheckoutBusyError,
  findPlacedOrder,
  PAYMENTS_BREAKER_KEY,
  publishBreakerState,
  SAGAS_QUEUE,
  TERMINAL_STATUSES,
} from "@agora/orders";
import { createPaymentSim, type PaymentSim } from "@agora/payment-sim";
import { createRedis } from "@agora/redis";
import { rateLimitKey } from "@agora/resilience";
import { emailIndex, openUserName } from "@agora/secrets";
import { TRPCError } from "@trpc/server";
import { Queue, Worker } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCardApiGateway } from "../../../../apps/workers/src/payments/providers/card-api.ts";
import {
  createSagaProcessor,
  type PaymentGateway,
} from "../../../../apps/workers/src/sagas/checkout/index.ts";
import { authRouter } from "../router/auth.ts";
import { cartRouter } from "../router/cart.ts";
import { checkoutRouter } from "../router/checkout.ts";
import { ordersRouter } from "../router/orders.ts";
import { createCallerFactory, createTRPCRouter, type Session } from "../trpc.ts";
import { guestCartKey, userCartKey } from "../cart/cart-store.ts";
import { sagaAdmission } from "../../../../apps/workers/src/sagas/checkout/admission.ts";
import { checkoutAdmission, resetCheckoutAdmission } from "./admission.ts";
import { checkoutRedis, closeCheckoutRedis } from "./checkout-redis.ts";
import { closeSagaProducer, sagaEnqueue } from "./saga-producer.ts";

// Only the routers under test, with the same procedures and middleware as appRouter.
const createCaller = createCallerFactory(
  createTRPCRouter({
    auth: authRouter,
    cart: cartRouter,
    checkout: checkoutRouter,
    orders: ordersRouter,
  }),
);

const run = randomUUID().slice(0, 8);
const GOOD_CARD = { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const ADDRESS = {
  name: "Ada Shopper",
  line1: "1 Test Street",
  city: "Berlin",
  postalCode: "10115",
  country: "DE",
};

let sim: PaymentSim;
let simUrl: string;
let gateway: PaymentGateway;
let worker: Worker;
// The worker's dependencies; the admission tests give it their admission control.
const sagaDeps: Parameters<typeof createSagaProcessor>[0] = {
  get payments() {
    return gateway;
  },
  enqueue: (orderId, step, opts) => sagaEnqueue()(orderId, step, opts),
  stalledAfterMs: 10_000,
};
const workerRedis = createRedis({ maxRetriesPerRequest: null, connectionName: `test-api-${run}` });
let vendor: CreatedVendor;
let warehouseId: string;

async function createShopper(label: string): Promise<Session> {
  const email = `${label}-${run}@test.agora.local`;
  const user = await core().primary.user.create({
    data: { email, name: label, passwordHash: "not-a-login" },
  });
  await core().primary.userRole.create({ data: { userId: user.id, roleName: "shopper" } });
  return { userId: user.id, email, name: label, roles: ["shopper"] };
}

function callerOf(session: Session | null, cartId: string | null = null) {
  const headers = new Headers(cartId ? { cookie: `agora_cart=${cartId}` } : {});
  return createCaller({ headers, session, cartId });
}

async function createProduct(priceCents: number, onHand: number): Promise<string> {
  return withTenant(
    vendor.id,
    async (db) => {
      const p = await db.product.create({
        data: {
          vendorId: vendor.id,
          categoryId: randomUUID(),
          categorySlug: "checkout-test",
          title: `Checkout test product ${run}`,
          description: "created by checkout-flow.int.test.ts",
          priceCents,
        },
      });
      await db.stockLevel.create({
        data: { vendorId: vendor.id, warehouseId, productId: p.id, onHand },
      });
      return p.id;
    },
    { maxWait: 20_000 },
  );
}

async function tokenize(): Promise<string> {
  const res = await fetch(`${simUrl}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: GOOD_CARD }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function waitForTerminal(orderId: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = await core().primary.order.findUnique({ where: { id: orderId } });
    if (o && TERMINAL_STATUSES.includes(o.status as never)) return o.status;
    if (Date.now() > deadline) throw new Error(`order ${orderId} is still ${o?.status}`);
    await sleep(250);
  }
}

async function errorOf(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  simUrl = await sim.listen(0, "127.0.0.1");
  gateway = createCardApiGateway({ baseUrl: simUrl, breakerName: `payment-sim-api-${run}` });
  worker = new Worker(SAGAS_QUEUE, createSagaProcessor(sagaDeps), {
    connection: workerRedis,
    concurrency: 8,
  });
  worker.on("error", (err) => process.stderr.write(`[saga worker] ${err.message}\n`));
  // Fixture set-up only: on a loaded machine a first transaction may wait past Prisma's 2 s.
  const patient = { attempts: 5, baseDelayMs: 500, maxDelayMs: 3_000, retryIf: () => true };
  vendor = await withRetry(
    () => createVendor({ slug: `checkout-${run}`, name: `Checkout Vendor ${run}` }),
    patient,
  );
  const wh = await withRetry(
    () =>
      withTenant(
        vendor.id,
        (db) => db.warehouse.create({ data: { vendorId: vendor.id, code: "MAIN", name: "Main" } }),
        { maxWait: 20_000 },
      ),
    patient,
  );
  warehouseId = wh.id;
});

afterAll(async () => {
  await worker?.close();
  const q = new Queue(SAGAS_QUEUE, { connection: workerRedis });
  await q.obliterate({ force: true });
  await q.close();
  gateway?.dispose();
  await sim?.close();
  await closeSagaProducer();
  await closeCheckoutRedis();
  workerRedis.disconnect();
  await closeAll();
});

describe("cart", () => {
  it("merges the guest cart into the user's on the first signed-in request, keeping quantities", async () => {
    const [a, b] = [await createProduct(1000, 10), await createProduct(500, 10)];
    const shopper = await createShopper("merge");
    const cartId = randomUUID();
    const guest = callerOf(null, cartId);
    await guest.cart.add({ productId: a, vendorId: vendor.id, quantity: 2 });
    // The user already had a cart from another device.
    const elsewhere = callerOf(shopper);
    await elsewhere.cart.add({ productId: a, vendorId: vendor.id, quantity: 1 });
    await elsewhere.cart.add({ productId: b, vendorId: vendor.id, quantity: 4 });

    const merged = await callerOf(shopper, cartId).cart.get();
    const qty = Object.fromEntries(
      merged.groups.flatMap((g) => g.items).map((i) => [i.productId, i.quantity]),
    );
    expect(qty).toEqual({ [a]: 3, [b]: 4 });
    expect(merged.count).toBe(7);
    expect(merged.totalCents).toBe(3 * 1000 + 4 * 500);
    expect(await checkoutRedis().exists(guestCartKey(cartId))).toBe(0);
    // A second request with the same cookie merges nothing more.
    expect((await callerOf(shopper, cartId).cart.get()).count).toBe(7);
    expect(await checkoutRedis().pttl(userCartKey(shopper.userId))).toBeGreaterThan(
      6 * 24 * 3600 * 1000,
    );
  });

  it("reports a price change and stock problems per item", async () => {
    const [cheap, gone, short] = [
      await createProduct(1000, 5),
      await createProduct(700, 5),
      await createProduct(300, 2),
    ];
    const guest = callerOf(null, randomUUID());
    await guest.cart.add({ productId: cheap, vendorId: vendor.id, quantity: 1 });
    await guest.cart.add({ productId: gone, vendorId: vendor.id, quantity: 1 });
    await guest.cart.add({ productId: short, vendorId: vendor.id, quantity: 2 });
    await withTenant(vendor.id, async (db) => {
      await db.product.update({ where: { id: cheap }, data: { priceCents: 1250 } });
      await db.stockLevel.updateMany({ where: { productId: gone }, data: { onHand: 0 } });
      await db.stockLevel.updateMany({ where: { productId: short }, data: { onHand: 1 } });
    });
    // Bounded staleness: a replica may lag up to the bound, so poll until it has replayed.
    await expect
      .poll(
        async () => {
          const items = (await guest.cart.get()).groups.flatMap((g) => g.items);
          return Object.fromEntries(
            items.map((i) => [i.productId, [i.problem, i.unitPriceCents, i.priceChangedFromCents]]),
          );
        },
        { timeout: 10_000, interval: 250 },
      )
      .toEqual({
        [cheap]: [null, 1250, 1000],
        [gone]: ["out_of_stock", 700, null],
        [short]: ["insufficient_stock", 300, null],
      });
    const group = (await guest.cart.get()).groups[0];
    expect(group?.vendorName).toBe(`Checkout Vendor ${run}`);
    expect(group?.shippingOptions.map((o) => o.id)).toEqual(["standard", "express"]);
  });
});

describe("checkout", () => {
  it("creates one order and one authorization for the same key placed twice, then clears the cart", async () => {
    const productId = await createProduct(2500, 5);
    const shopper = await createShopper("twice");
    const me = callerOf(shopper);
    await me.cart.add({ productId, vendorId: vendor.id, quantity: 2 });
    const paymentMethodId = await tokenize();
    const input = {
      idempotencyKey: `twice-${run}`,
      address: ADDRESS,
      shipping: { [vendor.id]: "express" },
      paymentMethodId,
    };
    const [a, b] = await Promise.all([me.checkout.place(input), me.checkout.place(input)]);
    expect(a.orderId).toBe(b.orderId);
    // A retry after the cart was cleared still answers with the same order.
    expect((await me.checkout.place(input)).orderId).toBe(a.orderId);
    expect((await me.cart.get()).count).toBe(0);

    expect(await waitForTerminal(a.orderId)).toBe("READY_FOR_FULFILMENT");
    expect(await gateway.listByOrder(a.orderId)).toHaveLength(1);
    expect(await core().primary.order.count({ where: { userId: shopper.userId } })).toBe(1);
    const order = await core().primary.order.findUniqueOrThrow({ where: { id: a.orderId } });
    expect(order.totalCents).toBe(2 * 2500 + 1290);

    // The order page: read-your-writes, timeline, per-vendor sub-order from the shard.
    const view = await me.orders.get({ orderId: a.orderId });
    expect(view.status).toBe("READY_FOR_FULFILMENT");
    expect(view.timeline.map((t) => t.type)).toEqual([
      "OrderPlaced",
      "StockReserved",
      "PaymentAuthorized",
      "OrderConfirmed",
      "PaymentCaptured",
      "StockCommitted",
      "OrderReadyForFulfilment",
    ]);
    expect(view.failure).toBeNull();
    expect(view.vendors).toEqual([
      {
        vendorId: vendor.id,
        vendorName: `Checkout Vendor ${run}`,
        status: "COMMITTED",
        trackingNumber: null,
        // Paid: the vendor's parcel waits for the vendor, worth its lines plus express shipping.
        fulfilment: {
          status: "AWAITING",
          carrierStatus: null,
          shareCents: 2 * 2500 + 1290,
          refundedCents: 0,
          cancelReason: null,
        },
      },
    ]);
    expect(view.items).toEqual([
      {
        vendorId: vendor.id,
        productId,
        quantity: 2,
        unitPriceCents: 2500,
        title: `Checkout test product ${run}`,
      },
    ]);
    expect((await me.orders.list()).map((o) => o.id)).toEqual([a.orderId]);
  });

  it("writes one order outbox row per event in the same transaction, never with card data", async () => {
    const productId = await createProduct(999, 3);
    const shopper = await createShopper("outbox");
    const me = callerOf(shopper);
    await me.cart.add({ productId, vendorId: vendor.id, quantity: 1 });
    const paymentMethodId = await tokenize();
    const { orderId } = await me.checkout.place({
      idempotencyKey: `outbox-${run}`,
      address: ADDRESS,
      shipping: {},
      paymentMethodId,
    });
    await waitForTerminal(orderId);
    const events = await core().primary.orderEvent.findMany({
      where: { orderId },
      orderBy: { version: "asc" },
    });
    const rows = await core().primary.outbox.findMany({
      where: { aggregateType: "order", aggregateId: orderId },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.eventType)).toEqual(events.map((e) => e.type));
    expect(rows.map((r) => (r.payload as { version: number }).version)).toEqual(
      events.map((e) => e.version),
    );
    expect(rows[0]?.payload).toMatchObject({
      orderId,
      userId: shopper.userId,
      version: 1,
      type: "OrderPlaced",
      status: "PENDING",
      vendorIds: [vendor.id],
    });
    const everything = JSON.stringify([rows.map((r) => r.payload), events.map((e) => e.payload)]);
    expect(everything).not.toContain(GOOD_CARD.number);
    expect(JSON.stringify(rows.map((r) => r.payload))).not.toContain(paymentMethodId);
  });

  it("refuses at once with PAYMENTS_UNAVAILABLE while the payment breaker is open and writes nothing", async () => {
    const productId = await createProduct(1500, 3);
    const shopper = await createShopper("breaker");
    const me = callerOf(shopper);
    await me.cart.add({ productId, vendorId: vendor.id, quantity: 1 });
    const paymentMethodId = await tokenize();
    await publishBreakerState(checkoutRedis(), { state: "open", since: Date.now(), by: "test" });
    try {
      const err = await errorOf(
        me.checkout.place({
          idempotencyKey: `breaker-${run}`,
          address: ADDRESS,
          shipping: {},
          paymentMethodId,
        }),
      );
      expect(err.code).toBe("SERVICE_UNAVAILABLE");
      expect((err.cause as { code?: string }).code).toBe("PAYMENTS_UNAVAILABLE");
    } finally {
      await checkoutRedis().del(PAYMENTS_BREAKER_KEY);
    }
    expect(await core().primary.order.count({ where: { userId: shopper.userId } })).toBe(0);
    expect(
      await core().primary.idempotencyKey.count({ where: { scope: `checkout:${shopper.userId}` } }),
    ).toBe(0);
    // The cart is kept for when payments are back.
    expect((await me.cart.get()).count).toBe(1);
  });

  it("answers NOT_FOUND for another user's order", async () => {
    const productId = await createProduct(800, 3);
    const owner = await createShopper("owner");
    await callerOf(owner).cart.add({ productId, vendorId: vendor.id, quantity: 1 });
    const { orderId } = await callerOf(owner).checkout.place({
      idempotencyKey: `owner-${run}`,
      address: ADDRESS,
      shipping: {},
      paymentMethodId: await tokenize(),
    });
    const other = await createShopper("other");
    const denied = await errorOf(callerOf(other).orders.get({ orderId }));
    expect(denied.code, denied.message).toBe("NOT_FOUND");
    expect(await callerOf(other).orders.list()).toEqual([]);
    expect((await callerOf(owner).orders.get({ orderId })).id).toBe(orderId);
  });
});

describe("admission control", () => {
  const ADMISSION_ENV = {
    AGORA_CHECKOUT_ADMISSION: "on",
    AGORA_CHECKOUT_LIMIT_INITIAL: "1",
    AGORA_CHECKOUT_LIMIT_MIN: "1",
    AGORA_CHECKOUT_LIMIT_MAX: "1",
    AGORA_CHECKOUT_ADMISSION_NAMESPACE: `test:admission:${run}`,
  };
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    for (const [k, v] of Object.entries(ADMISSION_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    resetCheckoutAdmission();
    sagaDeps.admission = sagaAdmission(workerRedis);
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    resetCheckoutAdmission();
    delete sagaDeps.admission;
    await checkoutRedis().del(...Object.values(admissionKeys(ADMISSION_ENV.AGORA_CHECKOUT_ADMISSION_NAMESPACE)));
  });

  it("above the limit refuses with TOO_MANY_REQUESTS, a place in line and nothing written; the same key is admitted once the order ahead has ended", async () => {
    const productId = await createProduct(1200, 5);
    const [first, second] = [await createShopper("admitted"), await createShopper("in-line")];
    const order = async (shopper: Session, key: string) => {
      await callerOf(shopper).cart.add({ productId, vendorId: vendor.id, quantity: 1 });
      const input = { idempotencyKey: key, address: ADDRESS, shipping: {}, paymentMethodId: await tokenize() };
      return () => callerOf(shopper).checkout.place(input);
    };
    const placeFirst = await order(first, `admitted-${run}`);
    const placeSecond = await order(second, `in-line-${run}`);

    // The first order's saga waits until the second was told it is in line (the first places in
    // line are held at the door for up to 2 s, and this saga would end sooner).
    await worker.pause();
    const { orderId } = await placeFirst();
    const busy = await errorOf(placeSecond());
    worker.resume();
    expect(busy.code).toBe("TOO_MANY_REQUESTS");
    expect(busy.cause).toBeInstanceOf(CheckoutBusyError);
    expect(busy.cause).toMatchObject({ code: "CHECKOUT_BUSY", position: 1 });
    expect((busy.cause as CheckoutBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((busy.cause as CheckoutBusyError).details).toMatchObject({ position: 1 });
    expect(await findPlacedOrder(second.userId, `in-line-${run}`)).toBeNull();
    // Waiting in line does not use up the shopper's checkout attempts (the card-testing limit).
    const attempts = rateLimitKey("api:checkout:user", second.userId);
    expect(await checkoutRedis().zcard(attempts)).toBe(0);
    expect((await callerOf(second).cart.get()).count).toBe(1);

    // The saga worker gives the permit back when the first order ends.
    expect(await waitForTerminal(orderId)).toBe("READY_FOR_FULFILMENT");
    const retried = () => placeSecond().then((r) => r.orderId, () => null);
    await expect.poll(retried, { timeout: 10_000, interval: 250 }).not.toBeNull();
    const { orderId: secondId } = await placeSecond(); // the same key: the same order
    expect(await checkoutRedis().zcard(attempts)).toBeGreaterThanOrEqual(1);
    expect(await waitForTerminal(secondId)).toBe("READY_FOR_FULFILMENT");
    await expect
      .poll(() => checkoutAdmission()?.state(), { timeout: 5_000, interval: 100 })
      .toMatchObject({ inFlight: 0, waiting: 0, admitted: 2, released: 2 });
  });
});

describe("auth.signUp", () => {
  it("creates a shopper whose password verifies, and answers an existing email exactly alike without touching its account", async () => {
    const email = `signup-${run}@test.agora.local`;
    const created = await callerOf(null).auth.signUp({
      email,
      name: "New Shopper",
      password: "correct horse",
    });
    // E-mail addresses are sealed at rest: the account is found by its blind index.
    const index = await emailIndex(email);
    const user = await core().primary.user.findUniqueOrThrow({
      where: { emailIndex: index },
      include: { roles: true },
    });
    expect(user.roles.map((r) => r.roleName)).toEqual(["shopper"]);
    expect(await verifyPassword("correct horse", user.passwordHash)).toBe(true);

    const again = await callerOf(null).auth.signUp({
      email: email.toUpperCase(),
      name: "Twin",
      password: "another one",
    });
    // Same answer for the existing email: nothing tells a prober the account exists…
    expect(again).toEqual(created);
    expect(created).toEqual({ email });
    // …and the account is unchanged: same name, and only the owner's password signs in.
    const after = await core().primary.user.findUniqueOrThrow({ where: { emailIndex: index } });
    // Names are sealed at rest too (core 0024).
    expect(await openUserName(after)).toBe("New Shopper");
    expect(await verifyPassword("correct horse", after.passwordHash)).toBe(true);
    expect(await verifyPassword("another one", after.passwordHash)).toBe(false);
  });
});
