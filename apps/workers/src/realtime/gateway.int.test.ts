/**
 * The live gateway against the real topology: two gateway instances (the `realtime-1` and
 * `realtime-2` wiring, in this process), the outbox relay, a vendor shard and core.
 */
import { randomUUID } from "node:crypto";
import { loadAuthEnv } from "@agora/api/env";
import {
  closeAll,
  core,
  createVendor,
  emitStockChanged,
  withRetry,
  withTenant,
  type CreatedVendor,
} from "@agora/db";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOutboxRelay, type RunningRelay } from "../outbox/relay-process.ts";
import type { OrderPush, StockPush, SubscribeAck } from "./rooms.ts";
import { type RunningRealtime, startRealtime } from "./realtime-process.ts";
import { until } from "../testing/outbox-fixtures.ts";

const run = randomUUID().slice(0, 8);
let gateways: RunningRealtime[] = [];
let relay: RunningRelay;
let vendor: CreatedVendor;
let warehouseId: string;
const clients: Socket[] = [];

/** A client like the storefront's: (re)subscribes on every connect and records what it gets. */
function client(port: number, room: string, cookie?: string) {
  const socket = connect(`http://127.0.0.1:${port}`, {
    path: "/socket.io/",
    transports: ["websocket"],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  });
  clients.push(socket);
  const stock: StockPush[] = [];
  const orders: OrderPush[] = [];
  const acks: SubscribeAck[] = [];
  socket.on("connect", () =>
    socket.emit("subscribe", { room }, (ack: SubscribeAck) => acks.push(ack)),
  );
  socket.on("stock", (s: StockPush) => stock.push(s));
  socket.on("order", (o: OrderPush) => orders.push(o));
  return { socket, stock, orders, acks };
}

async function setOnHand(productId: string, onHand: number): Promise<void> {
  await withTenant(vendor.id, async (tx) => {
    await tx.stockLevel.updateMany({
      where: { warehouseId, productId, variantId: null },
      data: { onHand },
    });
    await emitStockChanged(tx, vendor.id, productId);
  });
}

async function sessionCookie(userId: string): Promise<string> {
  const { secret } = loadAuthEnv("storefront");
  const jwt = await encode({
    secret,
    token: {
      sub: userId,
      email: `${userId}@test.agora.local`,
      name: "Live Shopper",
      roles: ["shopper"],
      aud: "storefront",
    },
  });
  return `agora-storefront.session-token=${jwt}`;
}

// Set-up only: on a loaded machine a transaction may not get a connection in time.
const retrySetup = <T>(op: () => Promise<T>) =>
  withRetry(op, { attempts: 10, baseDelayMs: 500, retryIf: () => true });

beforeAll(async () => {
  // createVendor is idempotent by slug, so retrying it is safe.
  vendor = await retrySetup(() =>
    createVendor({ slug: `live-${run}`, name: `Live Vendor ${run}` }),
  );
  const wh = await retrySetup(() =>
    withTenant(vendor.id, (db) =>
      db.warehouse.upsert({
        where: { vendorId_code: { vendorId: vendor.id, code: "MAIN" } },
        create: { vendorId: vendor.id, code: "MAIN", name: "Main warehouse" },
        update: {},
      }),
    ),
  );
  warehouseId = wh.id;
  const election = `realtime-push-it-${run}`;
  gateways = [
    // Long leases: on a loaded machine a short lease lapses between keepalives.
    await startRealtime("realtime-1", { port: 0, electionName: election, ttlSeconds: 10 }),
    await startRealtime("realtime-2", { port: 0, electionName: election, ttlSeconds: 10 }),
  ];
  relay = startOutboxRelay({ name: `outbox-relay-live-${run}`, pollEveryMs: 100, ttlSeconds: 10 });
  await until("one gateway consuming", () => gateways.some((g) => g.isConsuming()), 30_000);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await relay?.close();
  for (const g of gateways) await g.close();
  await closeAll();
});

describe("live gateway", () => {
  it("fans a shard's stock change out to clients on both instances through the Redis adapter", async () => {
    const productId = randomUUID();
    await retrySetup(() =>
      withTenant(vendor.id, async (db) => {
        const p = await db.product.create({
          data: {
            id: productId,
            vendorId: vendor.id,
            categoryId: randomUUID(),
            categorySlug: "live-test",
            title: `Live test product ${run}`,
            description: "created by gateway.int.test.ts",
            priceCents: 1000,
          },
        });
        await db.stockLevel.create({
          data: { vendorId: vendor.id, warehouseId, productId: p.id, onHand: 5 },
        });
      }),
    );
    // One instance consumes the queue; the other instance's client is reached by the adapter.
    await until(
      "exactly one consumer",
      () => gateways.filter((g) => g.isConsuming()).length === 1,
      30_000,
    );
    const [p1, p2] = gateways.map((g) => g.port);
    const a = client(p1 as number, `product:${productId}`);
    const b = client(p2 as number, `product:${productId}`);
    // Subscribing sends the current value.
    await until("snapshots", () => a.stock.length > 0 && b.stock.length > 0);
    expect(a.stock.at(-1)).toEqual({ productId, available: 5, variants: [] });
    expect(b.stock.at(-1)).toEqual({ productId, available: 5, variants: [] });

    await setOnHand(productId, 3);
    await until("stock push on instance 1", () => a.stock.find((s) => s.available === 3));
    await until("stock push on instance 2", () => b.stock.find((s) => s.available === 3));

    // Changes made while a client is away are not replayed, so reconnecting re-syncs the value.
    a.socket.disconnect();
    await setOnHand(productId, 1);
    await until("the connected client sees 1", () => b.stock.find((s) => s.available === 1));
    const seen = a.stock.length;
    expect(a.stock.some((s) => s.available === 1)).toBe(false);
    a.socket.connect();
    await until("re-sync after reconnect", () =>
      a.stock.slice(seen).find((s) => s.available === 1),
    );
  });

  it("lets only the order's owner into its room, sends it the order's state on joining and pushes the order's events there", async () => {
    const [owner, stranger] = await Promise.all(
      ["owner", "stranger"].map((who) =>
        retrySetup(() =>
          core().primary.user.upsert({
            where: { email: `live-${who}-${run}@test.agora.local` },
            create: {
              email: `live-${who}-${run}@test.agora.local`,
              name: who,
              passwordHash: "not-a-login",
            },
            update: {},
          }),
        ),
      ),
    );
    const orderId = randomUUID();
    await retrySetup(() =>
      core().primary.order.upsert({
        where: { id: orderId },
        create: { id: orderId, userId: owner!.id, status: "PENDING", totalCents: 1000, version: 1 },
        update: {},
      }),
    );
    const port = gateways[1]!.port;
    const anonymous = client(port, `order:${orderId}`);
    const other = client(port, `order:${orderId}`, await sessionCookie(stranger!.id));
    const mine = client(gateways[0]!.port, `order:${orderId}`, await sessionCookie(owner!.id));
    expect(await until("anonymous ack", () => anonymous.acks[0])).toEqual({
      ok: false,
      error: "unauthorized",
    });
    expect(await until("stranger ack", () => other.acks[0])).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect(await until("owner ack", () => mine.acks[0])).toEqual({ ok: true });
    // Joining sends the order's current state, so nothing pushed before the join is missed.
    expect(await until("snapshot", () => mine.orders[0])).toMatchObject({
      orderId,
      version: 1,
      type: "Snapshot",
      status: "PENDING",
    });

    const at = new Date().toISOString();
    await core().primary.$executeRawUnsafe(
      `INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('order', $1, 'OrderConfirmed', $2::jsonb)`,
      orderId,
      JSON.stringify({
        orderId,
        userId: owner!.id,
        version: 4,
        type: "OrderConfirmed",
        status: "CONFIRMED",
        at,
        vendorIds: [],
        detail: {},
      }),
    );
    expect(await until("order push", () => mine.orders[1])).toEqual({
      orderId,
      version: 4,
      type: "OrderConfirmed",
      status: "CONFIRMED",
      at,
    });
    // The refused clients were never in the room.
    await new Promise((r) => setTimeout(r, 300));
    expect(other.orders).toEqual([]);
    expect(anonymous.orders).toEqual([]);
  });
});
