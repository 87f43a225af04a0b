/**
 * Row-level security on a shard, against the real database as the app role `agora`: without a
 * tenant setting nothing is visible; under tenant A no query — even one that forgets its
 * vendor_id filter — reads or writes tenant B's rows.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeAll,
  core,
  createVendor,
  shard,
  withPlatformScope,
  withTenant,
} from "../index.ts";

const run = randomUUID().slice(0, 8);
let shardName: string;
let a: { id: string; productId: string; warehouseId: string };
let b: { id: string; productId: string; warehouseId: string };

async function tenantWithRows(slug: string, pin: string) {
  const v = await createVendor({ slug, name: `RLS ${slug}`, shard: pin });
  return withTenant(v.id, async (tx) => {
    const w = await tx.warehouse.create({ data: { vendorId: v.id, code: "MAIN", name: "Main" } });
    const p = await tx.product.create({
      data: {
        vendorId: v.id,
        categoryId: randomUUID(),
        categorySlug: "tools",
        title: `Secret product of ${slug}`,
        description: "rls test",
        priceCents: 500,
      },
    });
    await tx.stockLevel.create({
      data: { vendorId: v.id, warehouseId: w.id, productId: p.id, onHand: 10 },
    });
    return { id: v.id, productId: p.id, warehouseId: w.id };
  });
}

beforeAll(async () => {
  shardName = "shard-1";
  // Open the first pooled connections outside any transaction's 2 s start budget.
  await core().primary.$queryRaw`SELECT 1`;
  await shard(shardName).primary.$queryRaw`SELECT 1`;
  a = await tenantWithRows(`rls-a-${run}`, shardName);
  b = await tenantWithRows(`rls-b-${run}`, shardName);
});

afterAll(async () => {
  await closeAll();
});

describe("row-level security on the shards", () => {
  it("shows nothing to a query that names no tenant, even with the right vendor_id filter", async () => {
    const db = shard(shardName).primary;
    expect(await db.product.count({ where: { vendorId: a.id } })).toBe(0);
    expect(await db.product.count()).toBe(0);
    expect(await db.stockLevel.count()).toBe(0);
    expect(await db.warehouse.count()).toBe(0);
    expect(await db.vendor.count()).toBe(0);
  });

  it("refuses an insert that names no tenant", async () => {
    const err = await shard(shardName)
      .primary.warehouse.create({ data: { vendorId: a.id, code: `X${run}`, name: "no tenant" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/row-level security/);
  });

  it("under tenant A, a query without a vendor_id filter returns only A's rows", async () => {
    const rows = await withTenant(a.id, (tx) => tx.product.findMany({ select: { vendorId: true, id: true } }));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.vendorId))).toEqual(new Set([a.id]));
    expect(rows.map((r) => r.id)).not.toContain(b.productId);
    const raw = await withTenant(a.id, (tx) =>
      tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM stock_levels WHERE product_id = ${b.productId}::uuid`,
    );
    expect(Number(raw[0]!.n)).toBe(0);
  });

  it("under tenant A, updates and deletes of B's rows touch nothing", async () => {
    const touched = await withTenant(a.id, async (tx) => ({
      renamed: await tx.$executeRaw`UPDATE products SET title = 'pwned' WHERE id = ${b.productId}::uuid`,
      emptied: await tx.$executeRaw`UPDATE stock_levels SET on_hand = 0`,
      deleted: await tx.$executeRaw`DELETE FROM stock_levels WHERE product_id = ${b.productId}::uuid`,
    }));
    expect(touched.renamed).toBe(0);
    expect(touched.deleted).toBe(0);
    // The unfiltered UPDATE only reached A's own row.
    expect(touched.emptied).toBe(1);
    const bNow = await withTenant(b.id, async (tx) => ({
      product: await tx.product.findUniqueOrThrow({ where: { id: b.productId } }),
      stock: await tx.stockLevel.findMany({ where: { productId: b.productId } }),
    }));
    expect(bNow.product.title).toBe(`Secret product of rls-b-${run}`);
    expect(bNow.stock.map((s) => s.onHand)).toEqual([10]);
  });

  it("under tenant A, writing a row that claims tenant B is refused", async () => {
    const err = await withTenant(a.id, (tx) =>
      tx.$executeRaw`INSERT INTO warehouses (vendor_id, code, name) VALUES (${b.id}::uuid, 'EVIL', 'evil')`,
    ).catch((e: unknown) => e);
    expect(String(err)).toMatch(/row-level security/);
    const moved = await withTenant(a.id, (tx) =>
      tx.$executeRaw`UPDATE products SET vendor_id = ${b.id}::uuid WHERE id = ${a.productId}::uuid`,
    ).catch((e: unknown) => e);
    // The policy's WITH CHECK refuses a row moving to another tenant.
    expect(String(moved)).toMatch(/row-level security/);
    const still = await withTenant(a.id, (tx) => tx.product.findUnique({ where: { id: a.productId } }));
    expect(still?.vendorId).toBe(a.id);
  });

  it("ends the tenant scope with the transaction: the pooled connection carries nothing over", async () => {
    for (let i = 0; i < 5; i++) {
      await withTenant(a.id, (tx) => tx.product.count());
      expect(await shard(shardName).primary.product.count()).toBe(0);
    }
  });

  it("lets a platform job (outbox relay, seed) see every tenant of the shard", async () => {
    const ids = await withPlatformScope(shardName, (tx) =>
      tx.product.findMany({ where: { id: { in: [a.productId, b.productId] } }, select: { id: true } }),
    );
    expect(ids.map((r) => r.id).sort()).toEqual([a.productId, b.productId].sort());
  });
});
