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
  emitStockChanged,
  setPlatformScope,
  setTenant,
  shard,
  shardNames,
} from "@agora/db";
import { coreDedupeStore } from "../outbox/consume.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { ProductNotProjectedError, projectCatalogEvent } from "./search-projection.ts";

const store = coreDedupeStore();
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

  it("records a checkpoint per source cluster with the newest position", async () => {
    const cp = await core().primary.projectionCheckpoint.findUnique({
      where: { projection_source: { projection: "search-projection", source: cluster } },
    });
    expect(cp?.position).toBe(BigInt(Math.max(outboxSeq, 900)));
    expect(cp && cp.appliedAt.getTime() >= cp.eventAt.getTime() - 1000).toBe(true);
  });
});

describe("emitStockChanged", () => {
  it("writes the availability after the transaction's own change to the shard outbox", async () => {
    const name = shardNames()[0] as string;
    const db = shard(name).primary;
    const stock = await db.$transaction(async (tx) => {
      await setPlatformScope(tx);
      return tx.stockLevel.findFirst({ select: { vendorId: true, productId: true } });
    });
    if (!stock) throw new Error("needs a product with stock on the shard (run the seed)");
    const rollback = new Error("rollback");
    let seen: { available: number } | undefined;
    let expected = 0;
    await db
      .$transaction(async (tx) => {
        await setTenant(tx, stock.vendorId);
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
        const out = await tx.outbox.findFirst({
          where: { aggregateType: "stock", aggregateId: stock.productId },
          orderBy: { id: "desc" },
        });
        expect(out?.payload).toEqual({ ...seen, productId: stock.productId });
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
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
    const name = shardNames()[0] as string;
    const db = shard(name).primary;
    const stock = await db.$transaction(async (tx) => {
      await setPlatformScope(tx);
      return tx.stockLevel.findFirst({ select: { vendorId: true, productId: true } });
    });
    if (!stock) throw new Error("needs a product with stock on the shard (run the seed)");
    const writer = newTraceContext();
    const rollback = new Error("rollback");
    let headers: unknown;
    await db
      .$transaction(async (tx) => {
        await setTenant(tx, stock.vendorId);
        await withTraceContext(writer, () => emitStockChanged(tx, stock.vendorId, stock.productId));
        const out = await tx.outbox.findFirst({
          where: { aggregateType: "stock", aggregateId: stock.productId },
          orderBy: { id: "desc" },
        });
        headers = out?.headers;
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    expect(traceFromHeaders(headers)?.traceId).toBe(writer.traceId);
  });
});
