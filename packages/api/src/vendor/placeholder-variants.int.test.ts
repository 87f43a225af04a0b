/**
 * Catalogs seeded before products carried their own SKU gave each product a 'Standard' placeholder
 * variant with no stock. Shard migration 0015 removes exactly those placeholders; this builds that
 * old shape next to variants a vendor made, runs the migration, and reads the stock page.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AgoraSession } from "@agora/auth";
import { closeAll, core, createVendor, withPlatformScope, withTenant } from "@agora/db";
import { migrationsDir } from "@agora/db/migrations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vendorRouter } from "../router/vendor.ts";
import { createCallerFactory, createTRPCRouter } from "../trpc.ts";

const SHARD = "shard-1";
const run = randomUUID().slice(0, 8);
const category = `placeholder-${run}`;
const createCaller = createCallerFactory(createTRPCRouter({ vendor: vendorRouter }));
const migration = readFileSync(`${migrationsDir("shard")}/0015_placeholder_variants.sql`, "utf8");

let vendorId: string;
let owner: ReturnType<typeof createCaller>;
let warehouseId: string;

beforeAll(async () => {
  await core().primary.category.upsert({
    where: { slug: category },
    create: { slug: category, name: `Placeholder ${run}` },
    update: {},
  });
  vendorId = (await createVendor({ slug: `ph-${run}`, name: "Placeholder Shop", shard: SHARD })).id;
  const session: AgoraSession = {
    userId: randomUUID(),
    email: `owner@${run}.test`,
    name: "owner",
    roles: ["vendor_owner"],
    vendorId,
  };
  owner = createCaller({ headers: new Headers(), session });
  warehouseId = (await owner.vendor.warehouses.create({ code: "MAIN", name: "Main" })).id;
});

afterAll(async () => {
  await closeAll();
});

type VariantSpec = { title: string; sku?: string };

/** A product in the old seed's shape: no SKU of its own, the given variants, `onHand` product-level units. */
async function legacyProduct(title: string, variants: VariantSpec[], onHand: number, variantOnHand = 0) {
  const p = await owner.vendor.products.create({
    sku: `TMP-${randomUUID().slice(0, 8)}`,
    title,
    description: "",
    categorySlug: category,
    priceCents: 1000,
    currency: "EUR",
    status: "active",
    variants: [],
  });
  const seedSku = `PH-${run.toUpperCase()}-${p.id.slice(0, 8).toUpperCase()}`;
  await withTenant(vendorId, async (tx) => {
    await tx.$executeRaw`UPDATE products SET sku = NULL WHERE id = ${p.id}::uuid`;
    for (const v of variants) {
      const [row] = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO product_variants (vendor_id, product_id, sku, title)
        VALUES (${vendorId}::uuid, ${p.id}::uuid, ${v.sku ?? seedSku}, ${v.title}) RETURNING id::text`;
      if (variantOnHand)
        await tx.$executeRaw`
          INSERT INTO stock_levels (vendor_id, warehouse_id, product_id, variant_id, on_hand, reserved)
          VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${p.id}::uuid, ${row!.id}::uuid, ${variantOnHand}, 0)`;
    }
    await tx.$executeRaw`
      INSERT INTO stock_levels (vendor_id, warehouse_id, product_id, variant_id, on_hand, reserved)
      VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${p.id}::uuid, NULL, ${onHand}, 0)`;
  });
  return { id: p.id, seedSku };
}

/** The migration as the runner applies it (statement by statement, one transaction). */
async function migrate(): Promise<void> {
  const statements = migration
    .split("\n")
    .filter((l) => !l.startsWith("--"))
    .join("\n")
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  await withPlatformScope(SHARD, async (tx) => {
    for (const s of statements) await tx.$executeRawUnsafe(s);
  });
}

async function variantTitles(productId: string): Promise<string[]> {
  const rows = await withTenant(vendorId, (tx) => tx.productVariant.findMany({ where: { productId } }));
  return rows.map((r) => r.title).sort();
}

describe("placeholder variants from older seeds", () => {
  it("are removed, their SKU moves to the product, and the stock page lists each product once and not low", async () => {
    const placeholder = await legacyProduct("Old seeded mug", [{ title: "Standard" }], 20);
    // What a vendor made stays: a 'Standard' with stock, a 'Standard' beside a sibling, any other name.
    const stocked = await legacyProduct("Stocked standard", [{ title: "Standard" }], 0, 3);
    const sibling = await legacyProduct("Two sizes", [{ title: "Standard" }, { title: "Large", sku: `L-${run}-${randomUUID().slice(0, 6)}` }], 4);
    const custom = await legacyProduct("Own variant", [{ title: "Blue", sku: `B-${run}` }], 9);

    const before = await owner.vendor.stock.list({ warehouseId, limit: 200 });
    expect(before.items.filter((i) => i.productId === placeholder.id)).toHaveLength(2);

    await migrate();

    expect(await variantTitles(placeholder.id)).toEqual([]);
    expect(await variantTitles(stocked.id)).toEqual(["Standard"]);
    expect(await variantTitles(sibling.id)).toEqual(["Large", "Standard"]);
    expect(await variantTitles(custom.id)).toEqual(["Blue"]);
    const product = await withTenant(vendorId, (tx) => tx.product.findUniqueOrThrow({ where: { id: placeholder.id } }));
    expect(product.sku).toBe(placeholder.seedSku);

    const after = await owner.vendor.stock.list({ warehouseId, limit: 200 });
    const lines = after.items.filter((i) => i.productId === placeholder.id);
    expect(lines).toEqual([expect.objectContaining({ variantId: null, onHand: 20, low: false })]);
    const low = await owner.vendor.stock.list({ warehouseId, limit: 200, lowOnly: true });
    expect(low.items.map((i) => i.productId)).not.toContain(placeholder.id);

    // Running it again changes nothing.
    await migrate();
    expect((await owner.vendor.stock.list({ warehouseId, limit: 200 })).items).toEqual(after.items);
  });
});
