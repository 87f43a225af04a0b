/**
 * Per-vendor fulfilment against the real topology: orders are taken to READY_FOR_FULFILMENT by
 * the real saga steps, then vendors act through the API's handlers, the carrier simulator (short
 * stepMs) posts signed webhooks to the real receiver, and refunds/cancels run through the
 * payments pool's processor on a real BullMQ queue. Each run creates its own vendors and stock.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core, createVendor, withTenant, type CreatedVendor } from "@agora/db";
import { bearerHeader } from "@agora/auth/service-token";
import {
  createPaymentSim,
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  signCarrierPayload,
  type PaymentSim,
} from "@agora/payment-sim";
import { createRedis } from "@agora/redis";
import {
  changeOrder,
  loadOrder,
  PAYMENTS_QUEUE,
  placeOrder,
  type OrderState,
  type SagaStep,
} from "@agora/orders";
// The API's handlers, called as the tRPC procedures call them (tenant = the acting vendor).
import {
  acceptVendorOrder,
  cancelVendorOrder,
  closeRefundProducer,
  createCarrierClient,
  getVendorOrder,
  listVendorOrders,
  refundVendorOrder,
  shipVendorOrder,
  type CarrierClient,
} from "../../../../packages/api/src/vendor/orders/index.ts";
import { createCardApiGateway } from "../payments/providers/card-api.ts";
import { runSagaStep, type PaymentGateway } from "../sagas/checkout/index.ts";
import { projectVendorOrders } from "../projections/vendor-orders-projection.ts";
import { startCarrierWebhookServer, type CarrierWebhookServer } from "./carrier-webhook.ts";
import { createPaymentsProcessor } from "./payments-processor.ts";
import { recoverOpenVendorRefunds } from "./refund-recovery.ts";

/** The admin token of in-process simulators (fault injection, ledger). */
const simAdmin = bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN);

const run = randomUUID().slice(0, 8);
const PRICE = 2500;
const STANDARD = 490;
const ADDRESS = {
  name: "Ada Shopper",
  line1: "1 Test Street",
  city: "Berlin",
  postalCode: "10115",
  country: "DE",
};

let sim: PaymentSim;
let simUrl: string;
let webhook: CarrierWebhookServer;
let carrierClient: CarrierClient;
let gateway: PaymentGateway;
let refundWorker: Worker;
let userId: string;
let paymentMethodId: string;
const vendors: { vendor: CreatedVendor; warehouseId: string; productId: string }[] = [];

async function createShop(name: string, onHand: number) {
  const vendor = await createVendor({ slug: `${name}-${run}`, name: `${name} ${run}` });
  return withTenant(vendor.id, async (db) => {
    const wh = await db.warehouse.create({
      data: { vendorId: vendor.id, code: "MAIN", name: "Main" },
    });
    const product = await db.product.create({
      data: {
        vendorId: vendor.id,
        categoryId: randomUUID(),
        categorySlug: "fulfilment-test",
        title: `Fulfilment product ${run}`,
        description: "created by fulfilment.int.test.ts",
        priceCents: PRICE,
      },
    });
    await db.stockLevel.create({
      data: { vendorId: vendor.id, warehouseId: wh.id, productId: product.id, onHand },
    });
    return { vendor, warehouseId: wh.id, productId: product.id };
  });
}

async function onHandOf(
  shop: (typeof vendors)[number],
): Promise<{ onHand: number; reserved: number }> {
  const row = await withTenant(shop.vendor.id, (db) =>
    db.stockLevel.findFirstOrThrow({
      where: { warehouseId: shop.warehouseId, productId: shop.productId },
    }),
  );
  return { onHand: row.onHand, reserved: row.reserved };
}

/** Places an order with the given shops and runs the real saga steps to READY_FOR_FULFILMENT. */
async function paidOrder(shops: typeof vendors, key: string): Promise<string> {
  const { orderId } = await placeOrder({
    idempotencyKey: `${key}-${run}`,
    userId,
    items: shops.map((s) => ({ vendorId: s.vendor.id, productId: s.productId, quantity: 2 })),
    paymentMethodId,
    address: ADDRESS,
  });
  let next: SagaStep | null = "reserve-stock";
  while (next)
    next = (await runSagaStep(orderId, next, { payments: gateway, enqueue: async () => {} })).next;
  expect((await loadOrder(orderId))?.status).toBe("READY_FOR_FULFILMENT");
  return orderId;
}

async function waitFor(
  orderId: string,
  done: (s: OrderState) => boolean,
  timeoutMs = 30_000,
): Promise<OrderState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await loadOrder(orderId);
    if (s && done(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`order ${orderId} stuck at ${s?.status} v${s?.version}`);
    await sleep(100);
  }
}

async function ledgerSum(orderId: string): Promise<number> {
  const rows = await core().primary.$queryRaw<{ sum: bigint | null }[]>`
    SELECT sum(CASE direction WHEN 'debit' THEN amount_cents ELSE -amount_cents END)::bigint AS sum
    FROM ledger_entries WHERE order_id = ${orderId}::uuid`;
  return Number(rows[0]?.sum ?? 0);
}

async function clearingBalance(orderId: string): Promise<number> {
  const rows = await core().primary.$queryRaw<{ sum: bigint | null }[]>`
    SELECT sum(CASE e.direction WHEN 'debit' THEN e.amount_cents ELSE -e.amount_cents END)::bigint AS sum
    FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
    WHERE e.order_id = ${orderId}::uuid AND a.code = 'payment-clearing'`;
  return Number(rows[0]?.sum ?? 0);
}

const actor = (shop: (typeof vendors)[number]) => ({ userId, vendorId: shop.vendor.id });

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }), carrier: { stepMs: 150 } });
  simUrl = await sim.listen(0, "127.0.0.1");
  webhook = await startCarrierWebhookServer({
    port: 0,
    host: "127.0.0.1",
    secret: DEV_CARRIER_WEBHOOK_SECRET,
  });
  carrierClient = createCarrierClient({
    baseUrl: simUrl,
    webhookUrl: webhook.url,
    breakerName: `carrier-${run}`,
    timeoutMs: 1_000,
  });
  gateway = createCardApiGateway({ baseUrl: simUrl, breakerName: `payments-${run}` });
  const tokenized = await fetch(`${simUrl}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
    }),
  });
  paymentMethodId = ((await tokenized.json()) as { id: string }).id;
  const user = await core().primary.user.create({
    data: {
      email: `fulfil-${run}@test.agora.local`,
      name: "Fulfil Shopper",
      passwordHash: "not-a-login",
    },
  });
  userId = user.id;
  vendors.push(await createShop("fulfil-a", 20), await createShop("fulfil-b", 20));
  // The payments pool's processor on the real `payments` queue (this test topology's Redis).
  refundWorker = new Worker(
    PAYMENTS_QUEUE,
    createPaymentsProcessor({
      payments: gateway,
      enqueue: async () => {},
      enqueueRefund: async () => {},
      stalledAfterMs: 60_000,
    }),
    {
      connection: createRedis({
        maxRetriesPerRequest: null,
        connectionName: `test-payments-${run}`,
      }),
      concurrency: 4,
    },
  );
  refundWorker.on("error", (err) => process.stderr.write(`[payments worker] ${err.message}\n`));
}, 120_000);

afterAll(async () => {
  await refundWorker?.close();
  await closeRefundProducer();
  carrierClient?.dispose();
  gateway?.dispose();
  await webhook?.close();
  await sim?.close();
  await closeAll();
});

describe("vendor fulfilment", () => {
  it("ships both parcels, follows the carrier's webhooks and ends DELIVERED", async () => {
    const [a, b] = vendors as [(typeof vendors)[0], (typeof vendors)[0]];
    const orderId = await paidOrder([a, b], "deliver");
    await expect(shipVendorOrder(actor(a), { orderId }, carrierClient)).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const t0 = Date.now();
    for (const shop of [a, b]) {
      await acceptVendorOrder(actor(shop), { orderId });
      const shipped = await shipVendorOrder(actor(shop), { orderId }, carrierClient);
      expect(shipped.trackingNumber).toMatch(/^TRK/);
      // A retried ship gets the same parcel back, never a second shipment.
      expect((await shipVendorOrder(actor(shop), { orderId }, carrierClient)).trackingNumber).toBe(
        shipped.trackingNumber,
      );
    }
    const delivered = await waitFor(orderId, (s) => s.status === "DELIVERED");
    const ms = Date.now() - t0;
    for (const shop of [a, b])
      expect(delivered.parcels[shop.vendor.id]).toMatchObject({
        status: "DELIVERED",
        carrierStatus: "delivered",
      });
    const types = (
      await core().primary.orderEvent.findMany({ where: { orderId }, orderBy: { version: "asc" } })
    ).map((e) => e.type);
    expect(types.filter((t) => t === "OrderShipped")).toHaveLength(1);
    expect(types.at(-1)).toBe("OrderDelivered");
    expect(types.filter((t) => t === "ShipmentProgressed").length).toBeGreaterThanOrEqual(2);

    // The shard projection follows (applied here directly; the relay delivers it in the topology).
    await projectVendorOrders({
      payload: { orderId, version: delivered.version, vendorIds: [a.vendor.id] },
    });
    const page = await listVendorOrders(a.vendor.id, { status: "DELIVERED", limit: 25 });
    expect(page.items.find((r) => r.orderId === orderId)).toMatchObject({
      fulfilmentStatus: "DELIVERED",
      orderStatus: "DELIVERED",
      carrierStatus: "delivered",
      itemCount: 2,
    });
    const view = await getVendorOrder(a.vendor.id, orderId);
    expect(view.address).toEqual(ADDRESS);
    expect(view.timeline.some((t) => t.detail.vendorId === b.vendor.id)).toBe(false);
    // Only its own sub-order: not the whole order's total, item count or the other vendor.
    expect(JSON.stringify(view)).not.toContain(b.vendor.id);
    for (const t of view.timeline)
      for (const key of ["totalCents", "itemCount", "vendorIds", "amountCents"])
        expect(t.detail, `${t.type}.${key}`).not.toHaveProperty(key);
    await expect(getVendorOrder(randomUUID(), orderId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    process.stdout.write(
      `[fulfil] 2 parcels shipped → DELIVERED via carrier webhooks in ${ms} ms\n`,
    );
  });

  it("refuses to ship during a carrier outage with a retryable error and records nothing", async () => {
    const [a] = vendors as [(typeof vendors)[0]];
    const orderId = await paidOrder([a], "outage");
    await acceptVendorOrder(actor(a), { orderId });
    const before = await loadOrder(orderId);
    const fault = (body: unknown) =>
      fetch(`${simUrl}/admin/faults`, {
        method: body ? "PUT" : "DELETE",
        headers: { "content-type": "application/json", ...simAdmin },
        body: body ? JSON.stringify(body) : null,
      });
    await fault({ outage: true, scope: "carrier" });
    try {
      await expect(shipVendorOrder(actor(a), { orderId }, carrierClient)).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
      });
    } finally {
      await fault(null);
    }
    expect((await loadOrder(orderId))?.version).toBe(before?.version);
    const shipped = await shipVendorOrder(actor(a), { orderId }, carrierClient);
    expect(shipped.parcelStatus).toBe("SHIPPED");
  });

  it("cancels a vendor's parcel: refunds its share, restocks, balances the ledger, cancels the order", async () => {
    const [a] = vendors as [(typeof vendors)[0]];
    const stockBefore = await onHandOf(a);
    const orderId = await paidOrder([a], "cancel");
    expect(await onHandOf(a)).toEqual({ onHand: stockBefore.onHand - 2, reserved: 0 });
    await acceptVendorOrder(actor(a), { orderId });
    const requestId = `cancel-${run}`;
    const input = { orderId, reason: "damaged in the warehouse", requestId };
    await cancelVendorOrder(actor(a), input);
    // A resubmitted request is the same request.
    await cancelVendorOrder(actor(a), input);
    const cancelled = await waitFor(orderId, (s) => s.status === "CANCELLED");
    const share = 2 * PRICE + STANDARD;
    expect(cancelled.parcels[a.vendor.id]).toMatchObject({
      status: "CANCELLED",
      refundedCents: share,
    });
    expect(await onHandOf(a)).toEqual(stockBefore);
    const refunded = await core().primary.orderEvent.findMany({
      where: { orderId, type: "VendorRefunded" },
    });
    expect(refunded).toHaveLength(1);
    expect(refunded[0]?.payload).toMatchObject({ vendorId: a.vendor.id, amountCents: share });
    expect(await ledgerSum(orderId)).toBe(0);
    expect(await clearingBalance(orderId)).toBe(0);
    const [payment] = await gateway.listByOrder(orderId);
    expect(payment?.status).toBe("refunded");
    const moves = await withTenant(a.vendor.id, (db) =>
      db.stockMovement.findMany({ where: { reference: `order:${orderId}`, reason: "restock" } }),
    );
    expect(moves.map((m) => m.deltaOnHand)).toEqual([2]);
    const audit = await core().primary.auditLog.count({
      where: { targetId: orderId, action: "order.cancel" },
    });
    expect(audit).toBeGreaterThanOrEqual(1);
    // Cancelling a parcel that already left is refused.
    const [b] = vendors.slice(1) as [(typeof vendors)[0]];
    const shippedId = await paidOrder([b], "cancel-shipped");
    await acceptVendorOrder(actor(b), { orderId: shippedId });
    await shipVendorOrder(actor(b), { orderId: shippedId }, carrierClient);
    await expect(
      cancelVendorOrder(actor(b), {
        orderId: shippedId,
        reason: "too late",
        requestId: `late-${run}`,
      }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("refunds part of a share, up to what is left of it, and keeps the ledger balanced", async () => {
    const [, b] = vendors as [(typeof vendors)[0], (typeof vendors)[0]];
    const orderId = await paidOrder([b], "partial");
    const share = 2 * PRICE + STANDARD;
    await refundVendorOrder(actor(b), {
      orderId,
      amountCents: 1000,
      reason: "scratch",
      requestId: `p1-${run}`,
    });
    await waitFor(
      orderId,
      (s) =>
        s.parcels[b.vendor.id]?.refundedCents === 1000 && !s.parcels[b.vendor.id]?.pendingRefund,
    );
    await expect(
      refundVendorOrder(actor(b), {
        orderId,
        amountCents: share - 999,
        reason: "too much",
        requestId: `p2-${run}`,
      }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await refundVendorOrder(actor(b), {
      orderId,
      amountCents: share - 1000,
      reason: "rest",
      requestId: `p3-${run}`,
    });
    const s = await waitFor(orderId, (o) => o.parcels[b.vendor.id]?.refundedCents === share);
    expect(s.status).toBe("FULFILLING");
    expect(await ledgerSum(orderId)).toBe(0);
    expect(await clearingBalance(orderId)).toBe(0);
    expect((await gateway.listByOrder(orderId))[0]?.status).toBe("refunded");
  });

  it("refuses a webhook with a bad signature, ignores duplicates and out-of-order updates", async () => {
    const [a] = vendors as [(typeof vendors)[0]];
    const orderId = await paidOrder([a], "webhooks");
    await acceptVendorOrder(actor(a), { orderId });
    // A parcel shipped through a carrier that never calls back: this test plays the carrier.
    const silent = createCarrierClient({
      baseUrl: simUrl,
      webhookUrl: "http://127.0.0.1:9/unused",
      breakerName: `carrier-silent-${run}`,
    });
    const { trackingNumber } = await shipVendorOrder(actor(a), { orderId }, silent);
    silent.dispose();
    const event = (status: string, sequence: number) => ({
      id: `evt_${run}_${sequence}`,
      type: "shipment.status_changed",
      trackingNumber,
      orderId,
      vendorId: a.vendor.id,
      status,
      sequence,
      occurredAt: new Date().toISOString(),
    });
    const post = (body: string, signature: string) =>
      fetch(webhook.url, { method: "POST", headers: { "Carrier-Signature": signature }, body });
    const send = async (e: ReturnType<typeof event>) => {
      const body = JSON.stringify(e);
      const res = await post(
        body,
        signCarrierPayload(DEV_CARRIER_WEBHOOK_SECRET, body, Date.now()),
      );
      return { status: res.status, body: (await res.json()) as { outcome?: string } };
    };
    const v0 = (await loadOrder(orderId))?.version ?? 0;
    const forged = JSON.stringify(event("delivered", 5));
    const bad = await post(
      forged,
      signCarrierPayload("not-the-carrier-secret-at-all", forged, Date.now()),
    );
    expect(bad.status).toBe(401);
    expect((await loadOrder(orderId))?.version).toBe(v0);

    expect((await send(event("in_transit", 3))).body.outcome).toBe("applied");
    expect((await send(event("in_transit", 3))).body.outcome).toBe("duplicate");
    // picked_up arrives late, after in_transit: dropped.
    expect((await send(event("picked_up", 2))).body.outcome).toBe("stale");
    expect((await loadOrder(orderId))?.version).toBe(v0 + 1);
    expect((await send(event("delivered", 5))).body.outcome).toBe("applied");
    expect((await loadOrder(orderId))?.status).toBe("DELIVERED");
    const unknown = await send({
      ...event("in_transit", 4),
      id: `evt_${run}_x`,
      trackingNumber: "TRK-NOPE",
    });
    expect(unknown.status).toBe(409);
  });

  it("finds a refund request whose job was lost and enqueues it again", async () => {
    const [a] = vendors as [(typeof vendors)[0]];
    const orderId = await paidOrder([a], "lost-refund");
    const requestId = `lost-${run}`;
    // The request is recorded, but its job never reaches a worker.
    await changeOrder(orderId, () => [
      {
        type: "VendorRefundRequested",
        payload: {
          vendorId: a.vendor.id,
          requestId,
          amountCents: 700,
          reason: "lost job",
          cancel: false,
        },
      },
    ]);
    await sleep(1_100);
    const found: unknown[] = [];
    await recoverOpenVendorRefunds({
      olderThanMs: 1_000,
      enqueue: async (job) => void found.push(job),
    });
    expect(found).toContainEqual({ orderId, vendorId: a.vendor.id, requestId });
  });
});
