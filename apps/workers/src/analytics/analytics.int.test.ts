/**
 * Lambda architecture against the real core cluster and Redis: orders appended through the order
 * store (events + outbox in one transaction), the outbox messages consumed by the streaming
 * consumer (twice, concurrently, one by one and in batches as the pool counts them), product
 * views through the Redis stream; the rollups must equal
 * sums computed from the orders. Then rollups are damaged and the batch must report every
 * difference and repair it, and an event the batch counted first is not counted again by the stream.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendView, viewKey, VIEWS_STREAM } from "@agora/api/analytics";
import { createCaller } from "@agora/api";
import { closeAll, core } from "@agora/db";
import {
  apply,
  appendEvents,
  CORE_TX_OPTIONS,
  type OrderEvent,
  type OrderState,
} from "@agora/orders";
import { createRedis } from "@agora/redis";
import {
  closeSalesPulseSubscriber,
  onSalesPulse,
  PLATFORM_SALES_CHANNEL,
  type SalesPulse,
  vendorSalesChannel,
} from "@agora/api/sales-pulse";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { batchedOrderProcessor, closeSalesPulses, consumeOrderMessage } from "./order-consumer.ts";
import { reconcile } from "./reconcile.ts";
import { drainViews, ensureViewGroup } from "./view-consumer.ts";
import { coreOutboxMessages } from "../testing/outbox-fixtures.ts";

const V1 = randomUUID();
const V2 = randomUUID();
const [P1, P2, P3] = [randomUUID(), randomUUID(), randomUUID()];
const testStart = new Date();

interface Line {
  vendorId: string;
  productId: string;
  quantity: number;
  unitPriceCents: number;
}
interface OrderSpec {
  lines: Line[];
  shipping: Record<string, number>;
  /** What happens after placement. */
  then: "captured" | "failed" | "refunded" | { vendorRefund: { vendorId: string; cents: number } };
}

const ORDERS: OrderSpec[] = [
  {
    lines: [
      { vendorId: V1, productId: P1, quantity: 2, unitPriceCents: 1250 },
      { vendorId: V1, productId: P2, quantity: 1, unitPriceCents: 4000 },
      { vendorId: V2, productId: P3, quantity: 3, unitPriceCents: 700 },
    ],
    shipping: { [V1]: 490, [V2]: 0 },
    then: "captured",
  },
  {
    lines: [{ vendorId: V1, productId: P1, quantity: 1, unitPriceCents: 1250 }],
    shipping: { [V1]: 990 },
    then: "refunded",
  },
  {
    lines: [
      { vendorId: V1, productId: P2, quantity: 2, unitPriceCents: 4000 },
      { vendorId: V2, productId: P3, quantity: 1, unitPriceCents: 700 },
    ],
    shipping: { [V1]: 490, [V2]: 490 },
    then: { vendorRefund: { vendorId: V2, cents: 300 } },
  },
  {
    lines: [{ vendorId: V1, productId: P1, quantity: 5, unitPriceCents: 1250 }],
    shipping: { [V1]: 490 },
    then: "failed",
  },
];

let userId: string;
let redis: Redis;
const placed: { orderId: string; spec: OrderSpec }[] = [];

async function createUser(): Promise<string> {
  const rows = await core().primary.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO users (email, name, password_hash) VALUES ($1, 'analytics', 'x') RETURNING id::text`,
    `analytics-${randomUUID()}@analytics.test`,
  );
  return rows[0]!.id;
}

/** Places an order and moves it on, each step one transaction like the saga's. */
async function placeOrder(spec: OrderSpec): Promise<string> {
  const orderId = randomUUID();
  const itemsCents = spec.lines.reduce((n, l) => n + l.quantity * l.unitPriceCents, 0);
  const totalCents = itemsCents + Object.values(spec.shipping).reduce((a, b) => a + b, 0);
  const placedEvent: OrderEvent = {
    type: "OrderPlaced",
    payload: {
      userId,
      items: spec.lines,
      totalCents,
      currency: "EUR",
      idempotencyKey: `analytics-${orderId}`,
      paymentMethod: { id: "pm_analyticstest" },
      shipping: Object.entries(spec.shipping).map(([vendorId, priceCents]) => ({
        vendorId,
        optionId: "standard",
        priceCents,
      })),
    },
  };
  const step = (state: OrderState, events: OrderEvent[]) =>
    core().primary.$transaction((tx) => appendEvents(tx, state, events), CORE_TX_OPTIONS);
  let state = await core().primary.$transaction(async (tx) => {
    await tx.order.create({
      data: { id: orderId, userId, status: "PENDING", totalCents, items: [], version: 0 },
    });
    return appendEvents(tx, apply(null, orderId, 0, placedEvent), [placedEvent]);
  }, CORE_TX_OPTIONS);
  const paymentId = `pay_${orderId}`;
  if (spec.then === "failed") {
    await step(state, [
      {
        type: "CompensationStarted",
        payload: { reason: "payment_declined", detail: "test", failedStep: "authorize-payment" },
      },
      {
        type: "OrderFailed",
        payload: { reason: "payment_declined", detail: "test", compensations: [] },
      },
    ]);
    return orderId;
  }
  state = await step(state, [
    { type: "PaymentAuthorized", payload: { paymentId, amountCents: totalCents } },
    { type: "OrderConfirmed", payload: {} },
  ]);
  state = await step(state, [
    {
      type: "PaymentCaptured",
      payload: { paymentId, amountCents: totalCents, ledgerTransactionId: randomUUID() },
    },
  ]);
  const vendorIds = Object.keys(spec.shipping).sort();
  state = await step(state, [
    { type: "StockCommitted", payload: { vendorIds } },
    { type: "OrderReadyForFulfilment", payload: {} },
  ]);
  if (spec.then === "refunded")
    await step(state, [
      {
        type: "PaymentRefunded",
        payload: {
          paymentId,
          refundId: "re_1",
          amountCents: totalCents,
          ledgerTransactionId: randomUUID(),
        },
      },
      {
        type: "OrderCancelled",
        payload: { reason: "refunded", detail: "test", compensations: [] },
      },
    ]);
  if (typeof spec.then === "object") {
    const { vendorId, cents } = spec.then.vendorRefund;
    // Per-vendor refund events are built by type string, as sale-effects.ts reads them.
    const raw = (type: string, payload: Record<string, unknown>) =>
      ({ type, payload }) as unknown as OrderEvent;
    state = await step(state, [
      raw("VendorRefundRequested", {
        vendorId,
        requestId: randomUUID(),
        amountCents: cents,
        reason: "damaged",
        cancel: false,
      }),
    ]);
    await step(state, [
      raw("VendorRefunded", {
        vendorId,
        refundId: "vr_1",
        amountCents: cents,
        ledgerTransactionId: randomUUID(),
        reason: "damaged",
      }),
    ]);
  }
  return orderId;
}

/** The core outbox rows of these orders as the relay would publish them. */
async function outboxMessages(orderIds: string[]): Promise<OutboxMessage[]> {
  return (await coreOutboxMessages(orderIds)).filter((m) => m.aggregateType === "order");
}

/** Runs `fn` over `items`, at most `width` at a time. */
async function inParallel<T, R>(items: T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

interface Totals {
  revenue: number;
  refunds: number;
  orders: number;
  units: number;
  views: number;
}

/** Sums straight from the order specs: every captured order, its refunds. */
function expectedFromOrders(vendorId: string, productId?: string | null): Omit<Totals, "views"> {
  const out = { revenue: 0, refunds: 0, orders: 0, units: 0 };
  for (const { spec } of placed) {
    if (spec.then === "failed") continue;
    const lines = spec.lines.filter(
      (l) => l.vendorId === vendorId && (productId === undefined || l.productId === productId),
    );
    const vendorInOrder = spec.lines.some((l) => l.vendorId === vendorId);
    if (!vendorInOrder) continue;
    const shipping = productId === undefined ? (spec.shipping[vendorId] ?? 0) : 0;
    const gross = lines.reduce((n, l) => n + l.quantity * l.unitPriceCents, 0) + shipping;
    out.revenue += gross;
    out.units += lines.reduce((n, l) => n + l.quantity, 0);
    if (productId === undefined || lines.length > 0) out.orders += 1;
    if (spec.then === "refunded") out.refunds += gross;
    if (
      typeof spec.then === "object" &&
      spec.then.vendorRefund.vendorId === vendorId &&
      productId === undefined
    )
      out.refunds += spec.then.vendorRefund.cents;
  }
  return out;
}

/** Totals in a rollup table for a vendor (all its rows) or one of its products. */
async function rolledUp(
  table: "analytics_hourly" | "analytics_daily",
  vendorId: string,
  productId?: string,
) {
  const [r] = await core().primary.$queryRawUnsafe<Record<keyof Totals, bigint | null>[]>(
    `SELECT sum(revenue_cents) AS revenue, sum(refund_cents) AS refunds,
            sum(orders) FILTER (WHERE $2::uuid IS NOT NULL OR product_id IS NULL) AS orders,
            sum(units) AS units, sum(views) AS views
       FROM ${table} WHERE vendor_id = $1::uuid AND ($2::uuid IS NULL OR product_id = $2::uuid)`,
    vendorId,
    productId ?? null,
  );
  return {
    revenue: Number(r?.revenue ?? 0),
    refunds: Number(r?.refunds ?? 0),
    orders: Number(r?.orders ?? 0),
    units: Number(r?.units ?? 0),
    views: Number(r?.views ?? 0),
  };
}

const VIEWS: Record<string, number> = { [P1]: 3, [P2]: 0, [P3]: 1 };

async function expectRollupsMatchOrders(extraViews = VIEWS) {
  for (const table of ["analytics_hourly", "analytics_daily"] as const) {
    for (const vendorId of [V1, V2]) {
      const views = (vendorId === V1 ? [P1, P2] : [P3]).reduce(
        (n, p) => n + (extraViews[p] ?? 0),
        0,
      );
      expect(await rolledUp(table, vendorId), `${table} vendor`).toEqual({
        ...expectedFromOrders(vendorId),
        views,
      });
    }
    for (const [vendorId, productId] of [
      [V1, P1],
      [V1, P2],
      [V2, P3],
    ] as const)
      expect(await rolledUp(table, vendorId, productId), `${table} product`).toEqual({
        ...expectedFromOrders(vendorId, productId),
        views: extraViews[productId] ?? 0,
      });
  }
}

async function drainAll(consumer: string): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await drainViews(redis, consumer);
    if (n === 0) return total;
    total += n;
  }
}

const ours = <D extends { vendorId: string }>(diffs: D[]): D[] =>
  diffs.filter((d) => d.vendorId === V1 || d.vendorId === V2);

beforeAll(async () => {
  userId = await createUser();
  redis = createRedis({
    maxRetriesPerRequest: null,
    connectionName: "test:analytics",
  });
  await ensureViewGroup(redis);
  for (const spec of ORDERS) placed.push({ orderId: await placeOrder(spec), spec });
});

afterAll(async () => {
  redis?.disconnect();
  closeSalesPulses();
  closeSalesPulseSubscriber();
  await closeAll();
});

describe("analytics rollups (stream) and reconcile (batch)", () => {
  it("keeps rollups equal to the orders when every message arrives twice, concurrently", async () => {
    // Hand-checked: vendor 1 sold 2×12.50 + 40.00 + 4.90, 12.50 + 9.90 and 2×40.00 + 4.90.
    expect(expectedFromOrders(V1).revenue).toBe(6990 + 2240 + 8490);
    const messages = await outboxMessages(placed.map((p) => p.orderId));
    const twice = [...messages, ...messages].sort(() => Math.random() - 0.5);
    // Pushed to open dashboards as they are counted: the vendor's channel and the platform's.
    const pulses: SalesPulse[] = [];
    const platform: SalesPulse[] = [];
    const offVendor = onSalesPulse(vendorSalesChannel(V1), (p) => pulses.push(p));
    const offPlatform = onSalesPulse(PLATFORM_SALES_CHANNEL, (p) => platform.push(p));
    await sleep(300); // the subscription is in place
    const outcomes = await inParallel(twice, 4, (m) => consumeOrderMessage(m));
    const sale = messages.filter((m) =>
      ["PaymentCaptured", "PaymentRefunded", "OrderCancelled", "VendorRefunded"].includes(
        m.eventType,
      ),
    );
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(sale.length);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(sale.length);
    await expectRollupsMatchOrders({});
    // A pulse per counted event that changed a figure, none for the duplicates: the vendor's
    // pulses add up to its net revenue exactly once (platform pulses may come from other tests).
    const expected = expectedFromOrders(V1);
    const net = () => pulses.reduce((s, p) => s + p.revenueCents - p.refundCents, 0);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && net() !== expected.revenue - expected.refunds) await sleep(50);
    await sleep(300); // a duplicate's pulse, if one were sent, would have arrived by now
    offVendor();
    offPlatform();
    expect(pulses.every((p) => p.vendorId === V1)).toBe(true);
    expect(net()).toBe(expected.revenue - expected.refunds);
    expect(platform.length).toBeGreaterThanOrEqual(pulses.length);
  });

  it("counts a product view once per visitor and hour, also when Redis forgot the marker", async () => {
    const shop1 = { vendorId: V1 };
    expect(await appendView(redis, { ...shop1, productId: P1 }, { userId: "u1" })).toBe(true);
    expect(await appendView(redis, { ...shop1, productId: P1 }, { userId: "u1" })).toBe(false);
    await appendView(redis, { ...shop1, productId: P1 }, { userId: "u2" });
    await appendView(redis, { ...shop1, productId: P1 }, { guestId: randomUUID() });
    await appendView(redis, { vendorId: V2, productId: P3 }, { userId: "u1" });
    // As after a Redis failover that lost the marker: the entry comes again, the log dedupes it.
    await redis.del(`analytics:viewed:${viewKey(P1, new Date(), { userId: "u1" })}`);
    expect(await appendView(redis, { ...shop1, productId: P1 }, { userId: "u1" })).toBe(true);
    expect(await drainAll("test-consumer")).toBeGreaterThanOrEqual(5);
    expect(await redis.xlen(VIEWS_STREAM)).toBeGreaterThan(0);
    await expectRollupsMatchOrders();
  });

  it("serves the same numbers through vendor.analytics to owner and staff", async () => {
    const session = (role: "vendor_owner" | "vendor_staff") => ({
      userId,
      email: "v@analytics.test",
      name: "v",
      roles: [role],
      vendorId: V1,
    });
    const owner = createCaller({ headers: new Headers(), session: session("vendor_owner") });
    const staff = createCaller({ headers: new Headers(), session: session("vendor_staff") });
    const want = expectedFromOrders(V1);
    await expect
      .poll(() => owner.vendor.analytics.kpis({ days: 2 }), { timeout: 15_000 })
      .toMatchObject({
        revenueCents: want.revenue,
        refundCents: want.refunds,
        netCents: want.revenue - want.refunds,
        orders: want.orders,
        units: want.units,
        views: 3,
        conversion: want.orders / 3,
      });
    const top = await staff.vendor.analytics.topProducts({ days: 2 });
    expect(top.map((p) => [p.productId, p.revenueCents, p.views])).toEqual([
      [P2, expectedFromOrders(V1, P2).revenue, 0],
      [P1, expectedFromOrders(V1, P1).revenue, 3],
    ]);
    const series = await owner.vendor.analytics.revenue({ granularity: "hour" });
    expect(series.points.reduce((n, p) => n + p.revenueCents, 0)).toBe(want.revenue);
    expect(series.points).toHaveLength(48);
  });

  it("finds the stream's rollups right, then reports and repairs every damaged bucket", async () => {
    const clean = await reconcile({ trigger: "manual", from: testStart, to: new Date() });
    expect(ours(clean.differences)).toEqual([]);

    const p1Hours = await core().primary.$executeRawUnsafe(
      `UPDATE analytics_hourly SET revenue_cents = revenue_cents + 777
        WHERE vendor_id = $1::uuid AND product_id = $2::uuid`,
      V1,
      P1,
    );
    await core().primary.$executeRawUnsafe(
      `DELETE FROM analytics_daily WHERE vendor_id = $1::uuid AND product_id IS NULL`,
      V2,
    );
    const stray = randomUUID();
    await core().primary.$executeRawUnsafe(
      `INSERT INTO analytics_hourly (vendor_id, product_id, bucket_start, views)
       VALUES ($1::uuid, $2::uuid, date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 5)`,
      V2,
      stray,
    );

    const run = await reconcile({ trigger: "manual", from: testStart, to: new Date() });
    const diffs = ours(run.differences);
    const p1 = diffs.filter((d) => d.productId === P1);
    expect(p1).toHaveLength(p1Hours);
    for (const d of p1)
      expect(d).toMatchObject({
        granularity: "hour",
        metric: "revenue_cents",
        actual: d.expected + 777,
      });
    const v2Day = diffs.filter(
      (d) => d.vendorId === V2 && d.productId === null && d.granularity === "day",
    );
    const v2 = expectedFromOrders(V2);
    expect(Object.fromEntries(v2Day.map((d) => [d.metric, [d.expected, d.actual]]))).toEqual({
      revenue_cents: [v2.revenue - expectedFromOrders(V2, P3).revenue, 0],
      refund_cents: [v2.refunds, 0],
      orders: [v2.orders, 0],
    });
    expect(diffs.filter((d) => d.productId === stray)).toEqual([
      expect.objectContaining({ metric: "views", expected: 0, actual: 5 }),
    ]);
    expect(diffs).toHaveLength(p1.length + v2Day.length + 1);
    expect(run.status).toBe("repaired");

    const stored = await core().primary.analyticsReconcileRun.findUniqueOrThrow({
      where: { id: run.runId },
    });
    expect(stored).toMatchObject({ status: "repaired", differences: run.differences.length });
    expect(
      await core().primary.analyticsReconcileDifference.count({
        where: { runId: run.runId, vendorId: { in: [V1, V2] } },
      }),
    ).toBe(diffs.length);

    await expectRollupsMatchOrders();
    const again = await reconcile({ trigger: "manual", from: testStart, to: new Date() });
    expect(ours(again.differences)).toEqual([]);
  });

  it("does not count an event twice when the batch saw it before the stream", async () => {
    const spec: OrderSpec = {
      lines: [{ vendorId: V1, productId: P2, quantity: 1, unitPriceCents: 4000 }],
      shipping: { [V1]: 490 },
      then: "captured",
    };
    const orderId = await placeOrder(spec);
    placed.push({ orderId, spec });
    const run = await reconcile({ trigger: "manual", from: testStart, to: new Date() });
    expect(ours(run.differences).length).toBeGreaterThan(0);
    await expectRollupsMatchOrders();
    const outcomes = await inParallel(await outboxMessages([orderId]), 4, (m) =>
      consumeOrderMessage(m),
    );
    expect(outcomes).toContain("applied");
    await expectRollupsMatchOrders();
  });

  it("counts every sale event once when the pool batches them, each message arriving twice", async () => {
    const specs: OrderSpec[] = [
      {
        lines: [
          { vendorId: V1, productId: P1, quantity: 1, unitPriceCents: 1250 },
          { vendorId: V2, productId: P3, quantity: 2, unitPriceCents: 700 },
        ],
        shipping: { [V1]: 490, [V2]: 490 },
        then: "captured",
      },
      {
        lines: [{ vendorId: V1, productId: P2, quantity: 1, unitPriceCents: 4000 }],
        shipping: { [V1]: 490 },
        then: "refunded",
      },
      {
        lines: [{ vendorId: V1, productId: P1, quantity: 3, unitPriceCents: 1250 }],
        shipping: { [V1]: 0 },
        then: { vendorRefund: { vendorId: V1, cents: 500 } },
      },
    ];
    const orderIds: string[] = [];
    for (const spec of specs) {
      const orderId = await placeOrder(spec);
      orderIds.push(orderId);
      placed.push({ orderId, spec });
    }
    const messages = await outboxMessages(orderIds);
    const twice = [...messages, ...messages].sort(() => Math.random() - 0.5);
    // Several batches (4 events each at most), with copies of one message in one batch or in two.
    const orders = batchedOrderProcessor({ windowMs: 50, maxEvents: 4 });
    const outcomes = await Promise.all(
      twice.map((m) => orders.processor({ data: m } as Job<OutboxMessage>)),
    );
    await orders.close();
    const sale = messages.filter((m) =>
      ["PaymentCaptured", "PaymentRefunded", "OrderCancelled", "VendorRefunded"].includes(
        m.eventType,
      ),
    );
    expect(sale.length).toBeGreaterThan(4);
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(sale.length);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(sale.length);
    await expectRollupsMatchOrders();
  });
});
