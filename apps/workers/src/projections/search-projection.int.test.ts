/**
 * The search projection against the real core cluster: duplicates change nothing, an older event
 * never overwrites a newer one, stock that overtakes its product waits, and emitStockChanged
 * writes the availability the transaction commits.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { newTraceContext, traceFromHeaders, withTraceContext } from "@agora/telemetry";
import {
  closeAll,
  core,
  createVendor,
  emitStockChanged,
  setTenant,
  shard,
  type ShardTx,
  withTenant,
} from "@agora/db";
import { coreDedupeStore } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import {
  CheckpointRecorder,
  ProductNotProjectedError,
  projectCatalogEvent as project,
} from "./search-projection.ts";

const store = coreDedupeStore();
const checkpoints = new CheckpointRecorder({ everyMs: 60_000 });
const projectCatalogEvent = (s: typeof store, m: OutboxMessage) => project(s, m, checkpoints);
const vendorId = randomUUID();
const cluster = `shard-test-${randomUUID().slice(0, 8)}`;
const products: string[] = [];
let outboxSeq = 1_000;

function productEvent(productId: string, version: number, title: string): OutboxMessage {
  const id = String(++outboxSeq);
  return {
    messageId: `${cluster}-${id}`,
    cluster,
    outboxId: id,
    aggregateType: "product",
    aggregateId: productId,
    eventType: "ProductUpserted",
    vendorId,
    payload: {
      productId,
      vendorId,
      vendorName: "Projection Test Vendor",
      title,
      description: "projection test",
      categorySlug: "projection-test",
      priceCents: 1000 + version,
      currency: "EUR",
      imageUrl: null,
      status: "active",
      version,
    },
    headers: {},
    createdAt: new Date().toISOString(),
    fenceToken: "1",
  };
}

function stockEvent(productId: string, position: number, available: number): OutboxMessage {
  return {
    messageId: `${cluster}-${position}`,
    cluster,
    outboxId: String(position),
    aggregateType: "stock",
    aggregateId: productId,
    eventType: "StockChanged",
    vendorId,
    payload: { productId, vendorId, available },
    headers: {},
    createdAt: new Date().toISOString(),
    fenceToken: "1",
  };
}

async function row(productId: string) {
  return core().primary.catalogSearch.findUnique({ where: { productId } });
}

afterAll(async () => {
  await core().primary.catalogSearch.deleteMany({ where: { productId: { in: products } } });
  await core().primary.projectionCheckpoint.deleteMany({ where: { source: cluster } });
  await closeAll();
});

describe("search projection", () => {
  it("applies a duplicate delivery once", async () => {
    const productId = randomUUID();
    products.push(productId);
    const m = productEvent(productId, 1, "Duplicate Lamp");
    expect((await projectCatalogEvent(store, m)).outcome).toBe("applied");
    const first = await row(productId);
    const again = await projectCatalogEvent(store, m);
    expect(again).toEqual({ outcome: "duplicate", changed: [] });
    expect(await row(productId)).toEqual(first);
    expect(first).toMatchObject({ title: "Duplicate Lamp", sourceVersion: 1, inStock: false });
  });

  it("never lets an older product version or stock position overwrite a newer one", async () => {
    const productId = randomUUID();
    products.push(productId);
    const v3 = productEvent(productId, 3, "Kettle v3");
    const v2 = productEvent(productId, 2, "Kettle v2");
    expect((await projectCatalogEvent(store, v3)).changed).toEqual([productId]);
    // v2 arrives late: applied (deduped as a message) but the row keeps v3.
    expect(await projectCatalogEvent(store, v2)).toEqual({ outcome: "applied", changed: [] });
    expect(await row(productId)).toMatchObject({ title: "Kettle v3", sourceVersion: 3 });

    await projectCatalogEvent(store, stockEvent(productId, 50, 7));
    const late = await projectCatalogEvent(store, stockEvent(productId, 40, 0));
    expect(late.changed).toEqual([]);
    expect(await row(productId)).toMatchObject({ available: 7, inStock: true, stockPosition: 50n });
    await projectCatalogEvent(store, stockEvent(productId, 60, 0));
    expect(await row(productId)).toMatchObject({ available: 0, inStock: false });
  });

  it("makes stock that overtook its product wait (retry), with no dedupe row left behind", async () => {
    const productId = randomUUID();
    products.push(productId);
    const early = stockEvent(productId, 900, 4);
    await expect(projectCatalogEvent(store, early)).rejects.toBeInstanceOf(
      ProductNotProjectedError,
    );
    await projectCatalogEvent(store, productEvent(productId, 1, "Late Product"));
    // The BullMQ retry of the same message now applies.
    expect((await projectCatalogEvent(store, early)).outcome).toBe("applied");
    expect(await row(productId)).toMatchObject({ available: 4, inStock: true });
  });

  it("records a checkpoint per source cluster with the newest position, after the applies", async () => {
    const find = () =>
      core().primary.projectionCheckpoint.findUnique({
        where: { projection_source: { projection: "search-projection", source: cluster } },
      });
    // Nothing inside the applies' transactions: the row appears with the recorder's flush.
    expect(await find()).toBeNull();
    await checkpoints.flush();
    const cp = await find();
    expect(cp?.position).toBe(BigInt(Math.max(outboxSeq, 900)));
    expect(cp && cp.appliedAt.getTime() >= cp.eventAt.getTime() - 1000).toBe(true);
  });
});

let stockFixture: Promise<{ vendorId: string; productId: string; shard: string }> | undefined;

/** A vendor with one product holding stock in one warehouse, made once for this file. */
function stockRow() {
  stockFixture ??= (async () => {
    const vendor = await createVendor({
      slug: `projection-stock-${cluster}`,
      name: "Projection stock vendor",
    });
    const productId = await withTenant(vendor.id, async (tx) => {
      const wh = await tx.warehouse.create({
        data: { vendorId: vendor.id, code: "MAIN", name: "Main warehouse" },
      });
      const p = await tx.product.create({
        data: {
          vendorId: vendor.id,
          categoryId: randomUUID(),
          categorySlug: "projection-test",
          title: "Projection stock product",
          description: "created by search-projection.int.test.ts",
          priceCents: 1000,
        },
      });
      await tx.stockLevel.create({
        data: { vendorId: vendor.id, warehouseId: wh.id, productId: p.id, onHand: 7 },
      });
      return p.id;
    });
    return { vendorId: vendor.id, productId, shard: vendor.shard };
  })();
  return stockFixture;
}

/** Runs `fn` in a transaction scoped to that vendor and rolls it back: the stock stays as it was. */
async function withStockRow(
  fn: (tx: ShardTx, stock: { vendorId: string; productId: string }) => Promise<void>,
): Promise<{ vendorId: string; productId: string }> {
  const stock = await stockRow();
  const rollback = new Error("rollback");
  await shard(stock.shard)
    .primary.$transaction(async (tx) => {
      await setTenant(tx, stock.vendorId);
      await fn(tx, stock);
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  return stock;
}

const latestStockRow = (tx: ShardTx, productId: string) =>
  tx.outbox.findFirst({
    where: { aggregateType: "stock", aggregateId: productId },
    orderBy: { id: "desc" },
  });

describe("emitStockChanged", () => {
  it("writes the availability after the transaction's own change to the shard outbox", async () => {
    let seen: { available: number } | undefined;
    let expected = 0;
    const stock = await withStockRow(async (tx, stock) => {
      await tx.$executeRawUnsafe(
        `UPDATE stock_levels SET on_hand = on_hand + 5 WHERE vendor_id = $1::uuid AND product_id = $2::uuid`,
        stock.vendorId,
        stock.productId,
      );
      const levels = await tx.stockLevel.findMany({
        where: { vendorId: stock.vendorId, productId: stock.productId },
      });
      expected = levels.reduce((s, l) => s + l.onHand - l.reserved, 0);
      seen = await emitStockChanged(tx, stock.vendorId, stock.productId);
      const out = await latestStockRow(tx, stock.productId);
      expect(out?.payload).toEqual({ ...seen, productId: stock.productId });
    });
    expect(seen).toEqual({
      productId: stock.productId,
      vendorId: stock.vendorId,
      available: expected,
      variants: expect.any(Array),
    });
  });
});

describe("catalog outbox rows", () => {
  it("carry the writer's trace context, so the relay and consumers continue that trace", async () => {
    const writer = newTraceContext();
    let headers: unknown;
    await withStockRow(async (tx, stock) => {
      await withTraceContext(writer, () => emitStockChanged(tx, stock.vendorId, stock.productId));
      headers = (await latestStockRow(tx, stock.productId))?.headers;
    });
    expect(traceFromHeaders(headers)?.traceId).toBe(writer.traceId);
  });
});
