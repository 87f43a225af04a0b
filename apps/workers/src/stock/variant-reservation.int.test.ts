/**
 * Stock reservation per product variant against the real topology: a product with two variants,
 * each stocked in two warehouses of the vendor's shard. Concurrent reservations of one variant
 * never take more than its rows hold, and never touch the other variant. Every call goes through
 * the inventory gRPC service, as the checkout saga's do.
 */
import { randomUUID } from "node:crypto";
import { closeAll, core, createVendor, type CreatedVendor, withTenant } from "@agora/db";
import { placeOrder } from "@agora/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeInventoryStock, inventoryStock } from "./stock-service.ts";

const stock = inventoryStock();

const run = randomUUID().slice(0, 8);
let vendor: CreatedVendor;
let north: string;
let south: string;

beforeAll(async () => {
  await core().primary.$queryRaw`SELECT 1`;
  vendor = await createVendor({
    slug: `var-${run}`,
    name: `Variant Vendor ${run}`,
    shard: "shard-1",
  });
  [north, south] = await withTenant(vendor.id, async (tx) => {
    const n = await tx.warehouse.create({
      data: { vendorId: vendor.id, code: "N", name: "North" },
    });
    const s = await tx.warehouse.create({
      data: { vendorId: vendor.id, code: "S", name: "South" },
    });
    return [n.id, s.id];
  });
});

afterAll(async () => {
  closeInventoryStock();
  await closeAll();
});

/** A tee in red and blue; each variant's units per warehouse as given. */
async function tee(stock: { red: [number, number]; blue: [number, number] }) {
  return withTenant(vendor.id, async (tx) => {
    const product = await tx.product.create({
      data: {
        vendorId: vendor.id,
        categoryId: randomUUID(),
        categorySlug: "variant-test",
        title: `Tee ${run}`,
        description: "two colours",
        priceCents: 2000,
      },
    });
    const variant = (colour: string, priceCents: number | null) =>
      tx.productVariant.create({
        data: {
          vendorId: vendor.id,
          productId: product.id,
          sku: `TEE-${colour}-${randomUUID().slice(0, 8)}`,
          title: colour,
          priceCents,
          attributes: { colour },
        },
      });
    const red = await variant("red", null);
    const blue = await variant("blue", 2500);
    for (const [v, [n, s]] of [
      [red, stock.red],
      [blue, stock.blue],
    ] as const)
      await tx.stockLevel.createMany({
        data: [
          {
            vendorId: vendor.id,
            warehouseId: north,
            productId: product.id,
            variantId: v.id,
            onHand: n,
          },
          {
            vendorId: vendor.id,
            warehouseId: south,
            productId: product.id,
            variantId: v.id,
            onHand: s,
          },
        ],
      });
    return { productId: product.id, red: red.id, blue: blue.id };
  });
}

async function rows(productId: string) {
  const all = await withTenant(vendor.id, (tx) =>
    tx.stockLevel.findMany({
      where: { productId },
      orderBy: [{ variantId: "asc" }, { warehouseId: "asc" }],
    }),
  );
  return all.map((r) => ({
    variantId: r.variantId,
    warehouseId: r.warehouseId,
    onHand: r.onHand,
    reserved: r.reserved,
  }));
}

describe("reservation per variant", () => {
  it("never reserves more of one variant than its rows hold under 40 concurrent checkouts, and leaves the other variant untouched", async () => {
    const t = await tee({ red: [5, 3], blue: [4, 4] });
    const before = await rows(t.productId);
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        stock.reserve({
          orderId: randomUUID(),
          vendorId: vendor.id,
          lines: [{ productId: t.productId, variantId: t.red, quantity: 1 }],
          totalCents: 2000,
        }),
      ),
    );
    const reserved = results.filter((r) => r.status === "RESERVED");
    expect(reserved).toHaveLength(8);
    expect(results.filter((r) => r.status === "OUT_OF_STOCK")).toHaveLength(32);
    expect(results.find((r) => r.status === "OUT_OF_STOCK")).toMatchObject({
      shortProductId: t.productId,
      shortVariantId: t.red,
    });
    const after = await rows(t.productId);
    for (const r of after.filter((x) => x.variantId === t.red)) expect(r.reserved).toBe(r.onHand);
    expect(after.filter((x) => x.variantId === t.blue)).toEqual(
      before.filter((x) => x.variantId === t.blue),
    );
    // Every allocation names the variant and a warehouse the variant is stocked in.
    for (const r of reserved)
      expect(r.allocations).toEqual([
        expect.objectContaining({ productId: t.productId, variantId: t.red, quantity: 1 }),
      ]);
  });

  it("splits a line over warehouses when no single one holds it, and commits and releases per variant", async () => {
    const t = await tee({ red: [2, 2], blue: [3, 2] });
    const blueOrder = randomUUID();
    const r = await stock.reserve({
      orderId: blueOrder,
      vendorId: vendor.id,
      lines: [{ productId: t.productId, variantId: t.blue, quantity: 4 }],
      totalCents: 10_000,
    });
    expect(r.status).toBe("RESERVED");
    expect(r.allocations.map((a) => [a.warehouseId, a.quantity]).sort()).toEqual(
      [
        [north, 3],
        [south, 1],
      ].sort(),
    );
    const redOrder = randomUUID();
    expect(
      (
        await stock.reserve({
          orderId: redOrder,
          vendorId: vendor.id,
          lines: [{ productId: t.productId, variantId: t.red, quantity: 3 }],
          totalCents: 6000,
        })
      ).status,
    ).toBe("RESERVED");
    // Five red units do not exist: all or nothing, the earlier reservations stay as they were.
    expect(
      (
        await stock.reserve({
          orderId: randomUUID(),
          vendorId: vendor.id,
          lines: [
            { productId: t.productId, variantId: t.blue, quantity: 1 },
            { productId: t.productId, variantId: t.red, quantity: 2 },
          ],
          totalCents: 0,
        })
      ).status,
    ).toBe("OUT_OF_STOCK");

    expect((await stock.commit(blueOrder, vendor.id)).status).toBe("COMMITTED");
    expect((await stock.release(redOrder, vendor.id)).status).toBe("RELEASED");
    const after = await rows(t.productId);
    const sum = (v: string, k: "onHand" | "reserved") =>
      after.filter((x) => x.variantId === v).reduce((s, x) => s + x[k], 0);
    expect({ blueOnHand: sum(t.blue, "onHand"), blueReserved: sum(t.blue, "reserved") }).toEqual({
      blueOnHand: 1,
      blueReserved: 0,
    });
    expect({ redOnHand: sum(t.red, "onHand"), redReserved: sum(t.red, "reserved") }).toEqual({
      redOnHand: 4,
      redReserved: 0,
    });
    // The movement log names the variant of every reserve/commit/release.
    const moves = await withTenant(vendor.id, (tx) =>
      tx.stockMovement.findMany({
        where: { productId: t.productId, reason: { in: ["reserve", "commit", "release"] } },
      }),
    );
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every((m) => m.variantId === t.blue || m.variantId === t.red)).toBe(true);
  });

  it("prices an order line at its variant's own price and refuses another product's variant", async () => {
    const t = await tee({ red: [1, 0], blue: [1, 0] });
    const other = await tee({ red: [1, 0], blue: [1, 0] });
    const userId = (
      await core().primary.user.create({
        data: {
          email: `variant-${run}-${randomUUID().slice(0, 6)}@test.agora.local`,
          name: "V",
          passwordHash: "x",
        },
      })
    ).id;
    const base = { userId, paymentMethodId: "pm_variantsTest01" };
    const { orderId } = await placeOrder({
      ...base,
      idempotencyKey: `variant-price-${run}`,
      items: [
        { vendorId: vendor.id, productId: t.productId, variantId: t.blue, quantity: 1 },
        { vendorId: vendor.id, productId: t.productId, variantId: t.red, quantity: 2 },
      ],
    });
    const order = await core().primary.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(order.items).toEqual([
      expect.objectContaining({ variantId: t.blue, unitPriceCents: 2500 }),
      expect.objectContaining({ variantId: t.red, unitPriceCents: 2000 }),
    ]);
    await expect(
      placeOrder({
        ...base,
        idempotencyKey: `variant-wrong-${run}`,
        items: [{ vendorId: vendor.id, productId: t.productId, variantId: other.red, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ code: "PRODUCT_UNAVAILABLE" });
  });
});
