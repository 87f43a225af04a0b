/**
 * The inventory gRPC service as the saga workers reach it: the two instances the test topology
 * runs (tests/setup/topology.ts), one round-robin channel over both. Replays under one idempotency
 * key never move stock twice; refusals arrive as typed errors; both instances serve and report
 * SERVING on the standard health service.
 */
import { randomUUID } from "node:crypto";
import { credentials, makeClientConstructor, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core, createVendor, withTenant, type CreatedVendor } from "@agora/db";
import {
  createInventoryClient,
  IdempotencyKeyReusedError,
  INVENTORY_SERVICE,
  OutOfStockError,
  StockReservationStateError,
  type InventoryClient,
} from "@agora/inventory";
import { topology } from "@agora/infra-local/topology";
import { serviceIdentityFiles as identityFiles } from "@agora/infra-local/security";
import { serviceTlsFiles } from "@agora/config/service-tls";
import { readFileSync } from "node:fs";
import { etcdSchema, loadConfig } from "@agora/config";
import { register } from "@agora/registry";
import { startInventory } from "./inventory-process.ts";
import { inventoryKey } from "../stock/stock-service.ts";

const run = randomUUID().slice(0, 8);
const t = topology();
let vendor: CreatedVendor;
let warehouseId: string;
let client: InventoryClient;

beforeAll(async () => {
  await core().primary.$queryRaw`SELECT 1`;
  vendor = await createVendor({
    slug: `inv-rpc-${run}`,
    name: `Inventory RPC ${run}`,
    shard: "shard-2",
  });
  warehouseId = await withTenant(vendor.id, async (tx) => {
    const wh = await tx.warehouse.create({
      data: { vendorId: vendor.id, code: "MAIN", name: "Main" },
    });
    return wh.id;
  });
  client = createInventoryClient({
    target: `ipv4:${t.apps.inventory.map((p) => `${t.host}:${p}`).join(",")}`,
    deadlineMs: 20_000,
    tls: serviceTlsFiles(),
  });
});

afterAll(async () => {
  client?.close();
  await closeAll();
});

async function product(onHand: number): Promise<string> {
  return withTenant(vendor.id, async (tx) => {
    const p = await tx.product.create({
      data: {
        vendorId: vendor.id,
        categoryId: randomUUID(),
        categorySlug: "inventory-rpc-test",
        title: `RPC product ${run}`,
        description: "created by inventory-rpc.int.test.ts",
        priceCents: 1000,
      },
    });
    await tx.stockLevel.create({
      data: { vendorId: vendor.id, warehouseId, productId: p.id, onHand },
    });
    return p.id;
  });
}

async function stockOf(productId: string) {
  return withTenant(vendor.id, async (tx) => {
    const level = await tx.stockLevel.findFirstOrThrow({ where: { productId } });
    const moves = await tx.stockMovement.groupBy({
      by: ["reason"],
      where: { productId, reason: { in: ["reserve", "commit", "release"] } },
      _count: true,
    });
    return {
      onHand: level.onHand,
      reserved: level.reserved,
      moves: Object.fromEntries(moves.map((m) => [m.reason, m._count])),
    };
  });
}

const reserveRequest = (orderId: string, productId: string, quantity: number) => ({
  idempotencyKey: inventoryKey(orderId, vendor.id, "reserve"),
  orderId,
  vendorId: vendor.id,
  lines: [{ productId, variantId: "", quantity }],
  totalCents: 1000 * quantity,
  currency: "EUR",
});

async function metricCount(port: number): Promise<number> {
  const text = await (
    await fetch(`http://${t.host}:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })
  ).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("agora_inventory_rpc_requests_total{"))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

describe("inventory gRPC service", () => {
  it("answers a replayed Reserve with the first answer and reserves once, also under 8 concurrent replays", async () => {
    const productId = await product(10);
    const orderId = randomUUID();
    const first = await client.reserve(reserveRequest(orderId, productId, 3));
    expect(first).toMatchObject({ status: "RESERVED", replayed: false });
    const again = await client.reserve(reserveRequest(orderId, productId, 3));
    expect(again).toMatchObject({
      status: "RESERVED",
      replayed: true,
      allocations: first.allocations,
    });

    const second = randomUUID();
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => client.reserve(reserveRequest(second, productId, 2))),
    );
    expect(new Set(burst.map((r) => JSON.stringify(r.allocations))).size).toBe(1);
    expect(burst.filter((r) => !r.replayed).length).toBeLessThanOrEqual(1);
    expect(await stockOf(productId)).toEqual({ onHand: 10, reserved: 5, moves: { reserve: 2 } });
  });

  it("commits and releases once per key, and refuses to commit what was released", async () => {
    const productId = await product(5);
    const kept = randomUUID();
    const dropped = randomUUID();
    await client.reserve(reserveRequest(kept, productId, 2));
    await client.reserve(reserveRequest(dropped, productId, 1));
    const settle = (orderId: string, step: "commit" | "release") => ({
      idempotencyKey: inventoryKey(orderId, vendor.id, step),
      orderId,
      vendorId: vendor.id,
    });
    const commits = await Promise.all([1, 2, 3].map(() => client.commit(settle(kept, "commit"))));
    expect(commits.every((c) => c.status === "COMMITTED")).toBe(true);
    const releases = await Promise.all(
      [1, 2, 3].map(() => client.release(settle(dropped, "release"))),
    );
    expect(releases.every((c) => c.status === "RELEASED")).toBe(true);
    expect(await stockOf(productId)).toEqual({
      onHand: 3,
      reserved: 0,
      moves: { reserve: 2, commit: 1, release: 1 },
    });
    await expect(client.commit(settle(dropped, "commit"))).rejects.toBeInstanceOf(
      StockReservationStateError,
    );
  });

  it("refuses an out-of-stock line with FAILED_PRECONDITION as OutOfStockError naming the product", async () => {
    const productId = await product(1);
    const orderId = randomUUID();
    const err: unknown = await client
      .reserve(reserveRequest(orderId, productId, 2))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutOfStockError);
    expect(err).toMatchObject({ orderId, vendorId: vendor.id, shortProductId: productId });
    // The same key gets the same refusal; the unit stays on the shelf.
    await expect(client.reserve(reserveRequest(orderId, productId, 2))).rejects.toBeInstanceOf(
      OutOfStockError,
    );
    expect(await stockOf(productId)).toEqual({ onHand: 1, reserved: 0, moves: {} });
  });

  it("refuses a reused idempotency key carrying a different request", async () => {
    const productId = await product(5);
    const orderId = randomUUID();
    await client.reserve(reserveRequest(orderId, productId, 1));
    await expect(client.reserve(reserveRequest(orderId, productId, 2))).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
  });

  it("balances calls over both instances, each SERVING on grpc.health.v1.Health", async () => {
    const before = await Promise.all(metricPorts().map(metricCount));
    const productId = await product(50);
    for (let i = 0; i < 6; i++) await client.reserve(reserveRequest(randomUUID(), productId, 1));
    const after = await Promise.all(metricPorts().map(metricCount));
    after.forEach((n, i) => expect(n).toBeGreaterThan(before[i] ?? 0));

    const Health = makeClientConstructor(healthService, "grpc.health.v1.Health");
    for (const port of t.apps.inventory) {
      const me = serviceTlsFiles()!;
      const creds = credentials.createSsl(readFileSync(me.ca), readFileSync(me.key), readFileSync(me.cert), {
        checkServerIdentity: () => undefined,
      });
      const health = new Health(`${t.host}:${port}`, creds) as unknown as {
        Check(
          req: { service: string },
          cb: (err: ServiceError | null, res?: { status: string }) => void,
        ): void;
        close(): void;
      };
      const res = await new Promise<{ status: string } | undefined>((resolve, reject) =>
        health.Check({ service: INVENTORY_SERVICE }, (err, r) => (err ? reject(err) : resolve(r))),
      );
      health.close();
      expect(res?.status).toBe("SERVING");
    }
  });

  it("speaks mutual TLS only: a caller without a client certificate of the CA is refused, one with is served", async () => {
    const me = serviceTlsFiles()!;
    const Health = makeClientConstructor(healthService, "grpc.health.v1.Health");
    const check = (port: number, creds: ReturnType<typeof credentials.createInsecure>) => {
      const health = new Health(`${t.host}:${port}`, creds) as unknown as {
        Check(
          req: { service: string },
          opts: { deadline: Date },
          cb: (err: ServiceError | null, res?: { status: string }) => void,
        ): void;
        close(): void;
      };
      return new Promise<string>((resolve) =>
        health.Check({ service: INVENTORY_SERVICE }, { deadline: new Date(Date.now() + 3_000) }, (err, r) => {
          health.close();
          resolve(err ? `refused: ${err.details}` : (r?.status ?? "no answer"));
        }),
      );
    };
    const anyName = { checkServerIdentity: () => undefined };
    for (const port of t.apps.inventory) {
      // Plaintext, and TLS trusting the CA but presenting no certificate: no answer.
      expect(await check(port, credentials.createInsecure())).toMatch(/^refused/);
      expect(await check(port, credentials.createSsl(readFileSync(me.ca), null, null, anyName))).toMatch(/^refused/);
      expect(
        await check(port, credentials.createSsl(readFileSync(me.ca), readFileSync(me.key), readFileSync(me.cert), anyName)),
      ).toBe("SERVING");
    }
  });

  it("checks the server's identity: a client refuses a server whose certificate is not the inventory service's", async () => {
    // A server presenting another service's certificate (of the same CA): the caller does not talk to it.
    const impostor = await startInventory({ port: 0, tls: identityFiles(t, "payment-sim") });
    const misled = createInventoryClient({
      target: `ipv4:${t.host}:${impostor.port}`,
      deadlineMs: 3_000,
      tls: serviceTlsFiles(),
    });
    try {
      const productId = await product(5);
      await expect(misled.reserve(reserveRequest(randomUUID(), productId, 1))).rejects.toThrow();
    } finally {
      misled.close();
      await impostor.close();
    }
  });

  it("finds the instances through the service registry: both topology instances serve a registry-resolved channel", async () => {
    const viaRegistry = createInventoryClient({
      target: "agora-registry:///inventory",
      deadlineMs: 20_000,
      tls: serviceTlsFiles(),
    });
    try {
      const before = await Promise.all(metricPorts().map(metricCount));
      const productId = await product(50);
      for (let i = 0; i < 6; i++)
        await viaRegistry.reserve(reserveRequest(randomUUID(), productId, 1));
      const after = await Promise.all(metricPorts().map(metricCount));
      after.forEach((n, i) => expect(n).toBeGreaterThan(before[i] ?? 0));
    } finally {
      viaRegistry.close();
    }
  });

  it("routes to a registered instance only while it is listed ready, and not after it left", async () => {
    const { etcd } = loadConfig({ etcd: etcdSchema });
    const extra = await startInventory({ port: 0, tls: identityFiles(t, "inventory") });
    const service = `inventory-rpc-${run}`;
    const reg = await register({
      endpoints: etcd.AGORA_ETCD_ENDPOINTS,
      prefix: etcd.AGORA_ETCD_PREFIX,
      instance: {
        service,
        instanceId: "extra",
        address: `${t.host}:${extra.port}`,
        version: "test",
        region: "eu",
        ready: false,
      },
      ttlSeconds: 5,
    });
    const viaRegistry = createInventoryClient({
      target: `agora-registry:///${service}`,
      deadlineMs: 3_000,
      tls: serviceTlsFiles(),
    });
    const productId = await product(100);
    const outcome = () =>
      viaRegistry.reserve(reserveRequest(randomUUID(), productId, 1)).then(
        (r) => r.status,
        (err: Error) => err.message,
      );
    try {
      // Listed but not ready: the channel has no address to use (the call fails, or waits for one
      // until its deadline), so nothing reaches the instance.
      expect(await outcome()).toMatch(
        /No addresses resolved.*no ready inventory-rpc-\w+ instance in the service registry|DEADLINE_EXCEEDED.*Waiting for LB pick/,
      );
      await reg.setReady(true);
      await expect.poll(outcome, { timeout: 10_000 }).toBe("RESERVED");
      // Gone from the registry: no more calls reach it, although it still serves.
      await reg.deregister({ drainMs: 100 });
      await expect
        .poll(outcome, { timeout: 10_000 })
        .toMatch(
          /No addresses resolved.*no ready inventory-rpc-\w+ instance|DEADLINE_EXCEEDED.*Waiting for LB pick/,
        );
    } finally {
      viaRegistry.close();
      await reg.deregister({ drainMs: 0 }).catch(() => {});
      await extra.close();
    }
  });
});

function metricPorts(): number[] {
  return t.apps.inventory.map(
    (_, i) => t.apps.workerMetrics[`inventory-${i + 1}` as "inventory-1"],
  );
}
