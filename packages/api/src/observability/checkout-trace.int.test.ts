/**
 * One checkout, one trace: `checkout.place` (tRPC) → pg on the vendor's shard → BullMQ → the saga
 * worker → the inventory gRPC service (client span here, server span in an `inventory-<n>`
 * process) → the payment simulator's HTTP API, all under ONE trace id in the telemetry collector,
 * and the saga's log lines carry that id. Everything but the inventory instances (which the test
 * topology runs) runs in this process against the real topology (Redis, Patroni clusters); the
 * collector listens on the topology's collector port, where the inventory instances export.
 */
import { startTelemetry } from "@agora/telemetry/start";

// Before anything loads pg, ioredis or node:http: the instrumentations patch them on load.
const telemetry = startTelemetry({ service: "checkout-trace-test" });

const { randomUUID } = await import("node:crypto");
const { setTimeout: sleep } = await import("node:timers/promises");
const { afterAll, beforeAll, describe, expect, it } = await import("vitest");
const { Queue, Worker } = await import("bullmq");
const { pino } = await import("pino");
const { closeAll, configureDb, core, createVendor, shard, shardNames, withRetry, withTenant } = await import(
  "@agora/db"
);
// This test is about trace continuity, not latency: generous pool timeouts for a busy machine.
configureDb({ pool: { connectionTimeoutMillis: 15_000, transactionMaxWaitMs: 15_000 } });
const { topology } = await import("@agora/infra-local/topology");
const { SAGAS_QUEUE, TERMINAL_STATUSES } = await import("@agora/orders");
const { createPaymentSim } = await import("@agora/payment-sim");
const { createRedis } = await import("@agora/redis");
const { inSpan } = await import("@agora/telemetry");
const { loadConfig, telemetryCollectorSchema } = await import("@agora/config");
const { bearerHeader } = await import("@agora/auth/service-token");
const { createSagaProcessor } = await import("../../../../apps/workers/src/sagas/checkout/index.ts");
const { closeInventoryStock } = await import("../../../../apps/workers/src/stock/stock-service.ts");
const { createCardApiGateway } = await import(
  "../../../../apps/workers/src/payments/providers/card-api.ts"
);
const { createCollectorServer } = await import(
  "../../../../apps/workers/src/telemetry-collector/server.ts"
);
const { createTelemetryStore, DEFAULT_RETENTION } = await import(
  "../../../../apps/workers/src/telemetry-collector/store.ts"
);
const { cartRouter } = await import("../router/cart.ts");
const { checkoutRouter } = await import("../router/checkout.ts");
const { createCallerFactory, createTRPCRouter } = await import("../trpc.ts");
const { closeCheckoutRedis } = await import("../checkout/checkout-redis.ts");
const { closeSagaProducer, sagaEnqueue } = await import("../checkout/saga-producer.ts");

type Span = {
  traceId: string;
  name: string;
  kind: string;
  service: string;
  attributes: Record<string, string | number | boolean>;
};
type Log = { traceId: string | null; msg: string; service: string };

const run = randomUUID().slice(0, 8);
const t = topology();
const collectorUrl = `http://${t.host}:${t.apps.telemetryCollector}`;
const createCaller = createCallerFactory(
  createTRPCRouter({ cart: cartRouter, checkout: checkoutRouter }),
);
const collectorRedis = createRedis({ connectionName: `test-collector-${run}` });
// The topology's tokens: this process's shipper sends the ingest one, the queries the read one.
const tokens = loadConfig(telemetryCollectorSchema);
const collector = createCollectorServer(
  createTelemetryStore(collectorRedis, DEFAULT_RETENTION, { prefix: `test-telemetry-${run}` }),
  {},
  { ingest: tokens.AGORA_TELEMETRY_INGEST_TOKEN, read: tokens.AGORA_TELEMETRY_READ_TOKEN },
);
const workerRedis = createRedis({ maxRetriesPerRequest: null, connectionName: `test-trace-${run}` });
const sim = createPaymentSim({ logger: pino({ level: "silent" }) });
let simUrl = "";
let gateway: ReturnType<typeof createCardApiGateway>;
let worker: InstanceType<typeof Worker>;

beforeAll(async () => {
  // Prisma's first query on a loaded machine can take seconds; a transaction's 2 s maxWait must
  // not be the one that pays for it.
  await core().primary.$queryRawUnsafe("SELECT 1");
  for (const name of shardNames()) await shard(name).primary.$queryRawUnsafe("SELECT 1");
  await new Promise<void>((resolve, reject) => {
    collector.once("error", reject);
    collector.listen(t.apps.telemetryCollector, t.host, () => resolve());
  });
  simUrl = await sim.listen(0, "127.0.0.1");
  gateway = createCardApiGateway({ baseUrl: simUrl, breakerName: `payment-sim-trace-${run}` });
  worker = new Worker(
    SAGAS_QUEUE,
    createSagaProcessor({ payments: gateway, enqueue: sagaEnqueue(), stalledAfterMs: 10_000 }),
    { connection: workerRedis, concurrency: 4 },
  );
  worker.on("error", (err) => process.stderr.write(`[saga worker] ${err.message}\n`));
});

afterAll(async () => {
  await worker?.close();
  const q = new Queue(SAGAS_QUEUE, { connection: workerRedis });
  await q.obliterate({ force: true });
  await q.close();
  gateway?.dispose();
  await sim.close();
  await closeSagaProducer();
  await closeCheckoutRedis();
  closeInventoryStock();
  await telemetry.shutdown();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
  workerRedis.disconnect();
  collectorRedis.disconnect();
  await closeAll();
});

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${collectorUrl}${path}`, {
    headers: bearerHeader(tokens.AGORA_TELEMETRY_READ_TOKEN),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe("distributed tracing of a checkout", () => {
  it("puts the tRPC procedure, the shard query, the saga worker, the inventory gRPC call (client and server) and the payment call in ONE trace, and its logs carry the trace id", async () => {
    // createVendor is idempotent by slug; a busy machine can push its transaction past 5 s.
    const vendor = await withRetry(
      () => createVendor({ slug: `trace-${run}`, name: `Trace Vendor ${run}` }),
      { attempts: 4, retryIf: () => true },
    );
    const productId = await withTenant(vendor.id, async (db) => {
      const wh = await db.warehouse.create({
        data: { vendorId: vendor.id, code: "MAIN", name: "Main" },
      });
      const p = await db.product.create({
        data: {
          vendorId: vendor.id,
          categoryId: randomUUID(),
          categorySlug: "trace-test",
          title: `Trace product ${run}`,
          description: "created by checkout-trace.int.test.ts",
          priceCents: 1500,
        },
      });
      await db.stockLevel.create({
        data: { vendorId: vendor.id, warehouseId: wh.id, productId: p.id, onHand: 5 },
      });
      return p.id;
    });
    const email = `trace-${run}@test.agora.local`;
    const user = await core().primary.user.create({
      data: { email, name: "Trace", passwordHash: "not-a-login" },
    });
    const session = { userId: user.id, email, name: "Trace", roles: ["shopper" as const] };
    const me = createCaller({ headers: new Headers(), session, cartId: null });
    await me.cart.add({ productId, vendorId: vendor.id, quantity: 1 });
    const pmRes = await fetch(`${simUrl}/v1/payment-methods`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        card: { number: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
      }),
    });
    const paymentMethodId = ((await pmRes.json()) as { id: string }).id;

    // The request edge: what the storefront's HTTP server span is in production.
    let traceId = "";
    const { orderId } = await inSpan("POST /api/trpc/checkout.place", {}, async (span) => {
      traceId = span.spanContext().traceId;
      return me.checkout.place({
        idempotencyKey: `trace-${run}`,
        address: { name: "Ada", line1: "1 Trace St", city: "Berlin", postalCode: "10115", country: "DE" },
        shipping: { [vendor.id]: "standard" },
        paymentMethodId,
      });
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const deadline = Date.now() + 60_000;
    for (;;) {
      const o = await core().primary.order.findUnique({ where: { id: orderId } });
      if (o && TERMINAL_STATUSES.includes(o.status as never)) {
        expect(o.status).toBe("READY_FOR_FULFILMENT");
        break;
      }
      if (Date.now() > deadline) throw new Error(`order ${orderId} is still ${o?.status}`);
      await sleep(250);
    }

    const has = (spans: Span[]) => ({
      procedure: spans.some(
        (s) => s.name === "trpc checkout.place" && s.attributes["rpc.method"] === "checkout.place",
      ),
      shardQuery: spans.some(
        (s) =>
          s.attributes["db.system.name"] === "postgresql" &&
          s.attributes["agora.cluster"] === vendor.shard &&
          s.attributes["agora.role"] === "primary",
      ),
      sagaWorker: spans.some((s) => s.kind === "consumer" && s.name.startsWith(`${SAGAS_QUEUE} process`)),
      paymentCall: spans.some(
        (s) => s.kind === "client" && String(s.attributes["url.full"] ?? "").startsWith(`${simUrl}/v1/payments`),
      ),
      paymentServer: spans.some(
        (s) => s.kind === "server" && String(s.attributes["url.path"] ?? s.attributes["http.target"] ?? "").startsWith("/v1/payments"),
      ),
      // The saga's Reserve call to the inventory service, and the instance that served it.
      inventoryCall: spans.some(
        (s) =>
          s.kind === "client" &&
          s.name === "agora.inventory.v1.Inventory/Reserve" &&
          s.attributes["rpc.system"] === "grpc" &&
          s.attributes["rpc.grpc.status_code"] === 0,
      ),
      inventoryServer: spans.some(
        (s) =>
          s.kind === "server" &&
          s.name === "agora.inventory.v1.Inventory/Reserve" &&
          /^workers-inventory-\d+$/.test(s.service),
      ),
    });
    const all = {
      procedure: true,
      shardQuery: true,
      sagaWorker: true,
      paymentCall: true,
      paymentServer: true,
      inventoryCall: true,
      inventoryServer: true,
    };
    await expect
      .poll(
        async () => {
          await telemetry.flush();
          const { spans } = await getJson<{ spans: Span[] }>(`/api/traces/${traceId}`);
          return has(spans);
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual(all);

    const { spans } = await getJson<{ spans: Span[] }>(`/api/traces/${traceId}`);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    // Search finds it by procedure name too.
    const found = await getJson<{ traceId: string }[]>(`/api/traces?name=checkout.place&limit=200`);
    expect(found.map((f) => f.traceId)).toContain(traceId);

    await expect
      .poll(
        async () => {
          await telemetry.flush();
          const logs = await getJson<Log[]>(`/api/logs?traceId=${traceId}`);
          return logs.filter((l) => l.msg === "saga step done").length;
        },
        { timeout: 10_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    const logs = await getJson<Log[]>(`/api/logs?traceId=${traceId}`);
    expect(logs.every((l) => l.traceId === traceId)).toBe(true);
  });
});
