/**
 * Stock per product variant per warehouse through the tRPC procedures, against the real topology:
 * the vendor's adjust / transfer / threshold per variant, the StockChanged event's per-variant
 * sums, the CSV export's variant column, and a shopper's cart that keeps variants apart.
 */
import { randomUUID } from "node:crypto";
import type { AgoraSession } from "@agora/auth";
import { closeAll, core, createVendor, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeCheckoutRedis } from "../checkout/checkout-redis.ts";
import { cartRouter } from "../router/cart.ts";
import { vendorRouter } from "../router/vendor.ts";
import { createCallerFactory, createTRPCRouter } from "../trpc.ts";
import { exportProductsCsv } from "./imports/export-products.ts";
import { transferStock } from "./stock-levels.ts";

const run = randomUUID().slice(0, 8);
const category = `variant-stock-${run}`;
const createCaller = createCallerFactory(
  createTRPCRouter({ vendor: vendorRouter, cart: cartRouter }),
);

let vendorId: string;
let owner: ReturnType<typeof createCaller>;
let ownerSession: AgoraSession;
let north: string;
let south: string;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

beforeAll(async () => {
  await core().primary.category.upsert({
    where: { slug: category },
    create: { slug: category, name: `Variant stock ${run}` },
    update: {},
  });
  vendorId = (await createVendor({ slug: `vs-${run}`, name: "Variant Shop", shard: "shard-2" })).id;
  ownerSession = {
    userId: randomUUID(),
    email: `owner@${run}.test`,
    name: "owner",
    roles: ["vendor_owner"],
    vendorId,
  };
  owner = createCaller({ headers: new Headers(), session: ownerSession });
  north = (await owner.vendor.warehouses.create({ code: "NORTH", name: "North" })).id;
  south = (await owner.vendor.warehouses.create({ code: "SOUTH", name: "South" })).id;
});

afterAll(async () => {
  await closeCheckoutRedis();
  await closeAll();
});

/** A shirt in two sizes, each stocked in both warehouses (M: 6 + 2, L: 3 + 5). */
async function shirt() {
  const p = await owner.vendor.products.create({
    sku: `SHIRT-${randomUUID().slice(0, 8)}`,
    title: "Linen shirt",
    description: "",
    categorySlug: category,
    priceCents: 4000,
    currency: "EUR",
    status: "active",
    variants: [
      {
        sku: `SH-M-${randomUUID().slice(0, 6)}`,
        title: "M",
        size: "M",
        colour: null,
        priceCents: null,
      },
      {
        sku: `SH-L-${randomUUID().slice(0, 6)}`,
        title: "L",
        size: "L",
        colour: null,
        priceCents: 4500,
      },
    ],
  });
  const m = p.variants.find((v) => v.size === "M")!;
  const l = p.variants.find((v) => v.size === "L")!;
  for (const [variantId, warehouseId, delta] of [
    [m.id, north, 6],
    [m.id, south, 2],
    [l.id, north, 3],
    [l.id, south, 5],
  ] as const)
    await owner.vendor.stock.adjust({
      warehouseId,
      productId: p.id,
      variantId,
      delta,
      reason: "restock",
    });
  return { productId: p.id, m: m.id, l: l.id, mSku: m.sku, lSku: l.sku };
}

async function levels(productId: string) {
  const rows = await withTenant(vendorId, (tx) => tx.stockLevel.findMany({ where: { productId } }));
  return Object.fromEntries(rows.map((r) => [`${r.variantId ?? "-"}@${r.warehouseId}`, r.onHand]));
}

describe("vendor stock per variant", () => {
  it("lists one line per variant per warehouse and flags only the variant under its own threshold", async () => {
    const s = await shirt();
    const lines = (await owner.vendor.stock.list({ warehouseId: south, limit: 200 })).items.filter(
      (r) => r.productId === s.productId,
    );
    expect(lines.map((r) => [r.variantId, r.onHand])).toEqual(
      expect.arrayContaining([
        [s.m, 2],
        [s.l, 5],
      ]),
    );
    // A product with variants and no product-level stock has no product line.
    expect(lines.some((r) => r.variantId === null)).toBe(false);

    expect(
      await owner.vendor.stock.setLowStockThreshold({
        warehouseId: south,
        productId: s.productId,
        variantId: s.m,
        threshold: 2,
      }),
    ).toEqual({ lowStockThreshold: 2, low: true });
    await owner.vendor.stock.setLowStockThreshold({
      warehouseId: south,
      productId: s.productId,
      variantId: s.l,
      threshold: 1,
    });
    const low = (
      await owner.vendor.stock.list({ warehouseId: south, limit: 200, lowOnly: true })
    ).items.filter((r) => r.productId === s.productId);
    expect(low.map((r) => r.variantId)).toEqual([s.m]);
    // The adjust answer carries the alert too: taking L south from 5 to 1 reaches its threshold.
    const r = await owner.vendor.stock.adjust({
      warehouseId: south,
      productId: s.productId,
      variantId: s.l,
      delta: -4,
      reason: "adjust",
      note: "damaged",
    });
    expect({
      onHand: r.onHand,
      low: r.low,
      variantAvailable: r.variantAvailable,
      available: r.available,
    }).toEqual({
      onHand: 1,
      low: true,
      variantAvailable: 4,
      available: 12,
    });
  });

  it("pages through the stock lines by (product, variant) without repeats or gaps", async () => {
    await shirt();
    const all = (await owner.vendor.stock.list({ warehouseId: north, limit: 200 })).items;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await owner.vendor.stock.list({
        warehouseId: north,
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((r) => `${r.productId}/${r.variantId ?? ""}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => `${r.productId}/${r.variantId ?? ""}`));
    expect(new Set(seen).size).toBe(seen.length);
    expect(await codeOf(owner.vendor.stock.list({ warehouseId: north, cursor: "nope" }))).toBe(
      "BAD_REQUEST",
    );
  });

  it("transfers one variant atomically: a failure after the debit changes nothing, and the other variant never moves", async () => {
    const s = await shirt();
    const before = await levels(s.productId);
    const failed = await transferStock(
      { userId: ownerSession.userId, vendorId },
      {
        fromWarehouseId: north,
        toWarehouseId: south,
        productId: s.productId,
        variantId: s.m,
        quantity: 4,
        note: "",
      },
      { afterDebit: () => Promise.reject(new Error("crash between debit and credit")) },
    ).catch((e: unknown) => e);
    expect(String(failed)).toMatch(/crash between debit and credit/);
    expect(await levels(s.productId)).toEqual(before);

    const ok = await owner.vendor.stock.transfer({
      fromWarehouseId: north,
      toWarehouseId: south,
      productId: s.productId,
      variantId: s.m,
      quantity: 4,
    });
    expect([ok.from.onHand, ok.to.onHand, ok.variantAvailable, ok.available]).toEqual([
      2, 6, 8, 16,
    ]);
    expect(await levels(s.productId)).toEqual({
      ...before,
      [`${s.m}@${north}`]: 2,
      [`${s.m}@${south}`]: 6,
    });
    // More M than the source holds is refused as the vendor's input problem.
    expect(
      await codeOf(
        owner.vendor.stock.transfer({
          fromWarehouseId: north,
          toWarehouseId: south,
          productId: s.productId,
          variantId: s.m,
          quantity: 3,
        }),
      ),
    ).toBe("BAD_REQUEST");
    const last = await withTenant(vendorId, (tx) =>
      tx.outbox.findFirstOrThrow({
        where: { aggregateId: s.productId, eventType: "StockChanged" },
        orderBy: { id: "desc" },
      }),
    );
    expect(last.payload).toMatchObject({
      available: 16,
      variants: expect.arrayContaining([
        { variantId: s.m, available: 8 },
        { variantId: s.l, available: 8 },
      ]),
    });
  });

  it("refuses another product's variant and exports a variant column that re-imports", async () => {
    const s = await shirt();
    const other = await shirt();
    expect(
      await codeOf(
        owner.vendor.stock.adjust({
          warehouseId: north,
          productId: s.productId,
          variantId: other.m,
          delta: 1,
          reason: "restock",
        }),
      ),
    ).toBe("NOT_FOUND");
    const csv = await exportProductsCsv(vendorId);
    const [header, ...rows] = csv.trim().split("\r\n");
    expect(header?.split(",").at(-1)).toBe("variant");
    expect(rows.filter((r) => r.endsWith(`,${s.mSku}`))).toHaveLength(2);
    expect(rows.filter((r) => r.endsWith(`,${s.lSku}`))).toHaveLength(2);
  });
});

describe("removing a variant in the product editor", () => {
  it("refuses while the variant holds stock, and removes it with its empty rows once it is 0", async () => {
    const s = await shirt();
    const p = await owner.vendor.products.get({ productId: s.productId });
    const onlyM = {
      productId: p.id,
      expectedVersion: p.version,
      sku: p.sku,
      title: p.title,
      description: p.description,
      categorySlug: p.categorySlug,
      priceCents: p.priceCents,
      currency: p.currency,
      status: "active" as const,
      variants: p.variants.filter((v) => v.id === s.m),
    };
    expect(await codeOf(owner.vendor.products.update(onlyM))).toBe("CONFLICT");
    for (const [warehouseId, delta] of [
      [north, -3],
      [south, -5],
    ] as const)
      await owner.vendor.stock.adjust({
        warehouseId,
        productId: s.productId,
        variantId: s.l,
        delta,
        reason: "adjust",
      });
    const saved = await owner.vendor.products.update(onlyM);
    expect(saved.variants.map((v) => v.id)).toEqual([s.m]);
    expect(Object.keys(await levels(s.productId)).some((k) => k.startsWith(s.l))).toBe(false);
  });
});

describe("cart with variants", () => {
  it("keeps two variants of one product apart, prices and revalidates each, and needs a variant to add", async () => {
    const s = await shirt();
    const guest = createCaller({ headers: new Headers(), session: null, cartId: randomUUID() });
    await guest.cart.add({ productId: s.productId, variantId: s.m, vendorId, quantity: 1 });
    await guest.cart.add({ productId: s.productId, variantId: s.l, vendorId, quantity: 9 });
    const cart = await guest.cart.add({
      productId: s.productId,
      variantId: s.m,
      vendorId,
      quantity: 2,
    });
    const items = cart.groups.flatMap((g) => g.items);
    expect(
      items.map((i) => [
        i.variantId,
        i.variantTitle,
        i.quantity,
        i.unitPriceCents,
        i.available,
        i.problem,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [s.m, "M", 3, 4000, 8, null],
        [s.l, "L", 9, 4500, 8, "insufficient_stock"],
      ]),
    );
    expect(items).toHaveLength(2);
    expect(cart.count).toBe(12);

    const after = await guest.cart.setQuantity({
      productId: s.productId,
      variantId: s.l,
      quantity: 0,
    });
    expect(after.groups.flatMap((g) => g.items).map((i) => [i.variantId, i.quantity])).toEqual([
      [s.m, 3],
    ]);
    expect(await codeOf(guest.cart.add({ productId: s.productId, vendorId, quantity: 1 }))).toBe(
      "BAD_REQUEST",
    );
  });
});
