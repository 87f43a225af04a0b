/**
 * The vendor procedures against the real topology: optimistic concurrency, atomic transfers,
 * outbox events and audit entries, and tenants that cannot reach each other's rows.
 */
import { randomUUID } from "node:crypto";
import type { AgoraSession } from "@agora/auth";
import { closeAll, core, createVendor, shard, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vendorRouter } from "../router/vendor.ts";
import { createCallerFactory, createTRPCRouter } from "../trpc.ts";
import { transferStock } from "./stock-levels.ts";

const run = randomUUID().slice(0, 8);
const category = `vendor-test-${run}`;

function session(vendorId: string, role: "vendor_owner" | "vendor_staff"): AgoraSession {
  return { userId: randomUUID(), email: `${role}@${run}.test`, name: role, roles: [role], vendorId };
}
// Only the vendor router: these tests are about it, not about the other domains of appRouter.
const createCaller = createCallerFactory(createTRPCRouter({ vendor: vendorRouter }));
const callerFor = (s: AgoraSession) => createCaller({ headers: new Headers(), session: s });

let a: { id: string; owner: ReturnType<typeof callerFor>; staff: ReturnType<typeof callerFor>; ownerSession: AgoraSession };
let b: { id: string; owner: ReturnType<typeof callerFor> };
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
  await core().primary.$queryRaw`SELECT 1`;
  await core().primary.category.upsert({
    where: { slug: category },
    create: { slug: category, name: `Vendor test ${run}` },
    update: {},
  });
  const va = await createVendor({ slug: `vt-a-${run}`, name: "Tenant A", shard: "shard-1" });
  const vb = await createVendor({ slug: `vt-b-${run}`, name: "Tenant B", shard: "shard-1" });
  await shard("shard-1").primary.$queryRaw`SELECT 1`;
  const ownerSession = session(va.id, "vendor_owner");
  a = { id: va.id, owner: callerFor(ownerSession), staff: callerFor(session(va.id, "vendor_staff")), ownerSession };
  b = { id: vb.id, owner: callerFor(session(vb.id, "vendor_owner")) };
  north = (await a.staff.vendor.warehouses.create({ code: "NORTH", name: "North" })).id;
  south = (await a.staff.vendor.warehouses.create({ code: "SOUTH", name: "South" })).id;
});

afterAll(async () => {
  await closeAll();
});

const draft = () => ({
  sku: `SKU-${randomUUID().slice(0, 8)}`,
  title: "Canvas tote",
  description: "Sturdy",
  categorySlug: category,
  priceCents: 2500,
  currency: "EUR",
  status: "active" as const,
  variants: [
    { sku: `V-${randomUUID().slice(0, 8)}`, title: "Red M", size: "M", colour: "red", priceCents: null },
  ],
});

describe("vendor products", () => {
  it("creates a product with variants and writes ProductUpserted in the same shard transaction", async () => {
    const p = await a.staff.vendor.products.create(draft());
    expect(p.version).toBe(1);
    expect(p.variants).toMatchObject([{ size: "M", colour: "red", priceCents: null }]);
    const events = await withTenant(a.id, (tx) =>
      tx.outbox.findMany({ where: { aggregateId: p.id, eventType: "ProductUpserted" } }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ productId: p.id, vendorId: a.id, vendorName: "Tenant A", version: 1 });
    const audit = await core().primary.auditLog.findMany({ where: { vendorId: a.id, targetId: p.id } });
    expect(audit.map((e) => e.action)).toEqual(["product.create"]);
  });

  it("refuses the second of two saves based on the same version with CONFLICT, naming the current version and the changed fields", async () => {
    const p = await a.owner.vendor.products.create(draft());
    const base = { ...draft(), sku: p.sku, variants: p.variants, productId: p.id, expectedVersion: p.version };
    const first = await a.owner.vendor.products.update({ ...base, priceCents: 1999 });
    expect(first.version).toBe(2);
    const err = await a.staff.vendor.products
      .update({ ...base, title: "Tote bag" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("CONFLICT");
    const details = ((err as TRPCError).cause as unknown as { details: { currentVersion: number; changedFields: { field: string; current: unknown }[] } }).details;
    expect(details.currentVersion).toBe(2);
    expect(details.changedFields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "priceCents", current: 1999 }),
        expect.objectContaining({ field: "title", current: "Canvas tote" }),
      ]),
    );
    const now = await a.owner.vendor.products.get({ productId: p.id });
    expect({ title: now.title, priceCents: now.priceCents, version: now.version }).toEqual({
      title: "Canvas tote",
      priceCents: 1999,
      version: 2,
    });
  });

  it("pages through the tenant's products with a keyset cursor, newest first, without repeats", async () => {
    for (let i = 0; i < 5; i++) await a.owner.vendor.products.create(draft());
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await a.owner.vendor.products.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await withTenant(a.id, (tx) => tx.product.count());
    expect(seen).toHaveLength(all);
  });
});

describe("vendor stock", () => {
  it("transfers between warehouses in one transaction: a failure after the debit leaves both unchanged", async () => {
    const p = await a.owner.vendor.products.create(draft());
    await a.staff.vendor.stock.adjust({ warehouseId: north, productId: p.id, delta: 10, reason: "restock" });
    const levels = () =>
      withTenant(a.id, (tx) =>
        tx.stockLevel.findMany({ where: { productId: p.id }, select: { warehouseId: true, onHand: true } }),
      ).then((rows) => Object.fromEntries(rows.map((r) => [r.warehouseId, r.onHand])));
    const movements = () => withTenant(a.id, (tx) => tx.stockMovement.count({ where: { productId: p.id } }));
    const beforeLevels = await levels();
    const beforeMovements = await movements();
    const failed = await transferStock(
      { userId: a.ownerSession.userId, vendorId: a.id },
      { fromWarehouseId: north, toWarehouseId: south, productId: p.id, variantId: null, quantity: 4, note: "" },
      { afterDebit: () => Promise.reject(new Error("crash between debit and credit")) },
    ).catch((e: unknown) => e);
    expect(String(failed)).toMatch(/crash between debit and credit/);
    expect(await levels()).toEqual(beforeLevels);
    expect(await movements()).toBe(beforeMovements);

    const ok = await a.staff.vendor.stock.transfer({ fromWarehouseId: north, toWarehouseId: south, productId: p.id, quantity: 4 });
    expect(ok.from.onHand).toBe(6);
    expect(ok.to.onHand).toBe(4);
    expect(ok.available).toBe(10);
    expect(await levels()).toEqual({ [north]: 6, [south]: 4 });
    const stockEvents = await withTenant(a.id, (tx) =>
      tx.outbox.findMany({ where: { aggregateId: p.id, eventType: "StockChanged" }, orderBy: { id: "asc" } }),
    );
    expect(stockEvents.map((e) => (e.payload as { available: number }).available)).toEqual([10, 10]);
  });

  it("refuses an adjustment that would take stock below zero", async () => {
    const p = await a.owner.vendor.products.create(draft());
    await a.staff.vendor.stock.adjust({ warehouseId: north, productId: p.id, delta: 3, reason: "restock" });
    expect(
      await codeOf(a.staff.vendor.stock.adjust({ warehouseId: north, productId: p.id, delta: -4, reason: "adjust" })),
    ).toBe("BAD_REQUEST");
  });
});

describe("tenant isolation through the API", () => {
  it("does not let tenant B read, edit, archive or move stock of tenant A's product", async () => {
    const p = await a.owner.vendor.products.create(draft());
    await a.owner.vendor.stock.adjust({ warehouseId: north, productId: p.id, delta: 5, reason: "restock" });
    expect(await codeOf(b.owner.vendor.products.get({ productId: p.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(b.owner.vendor.products.update({ ...draft(), productId: p.id, expectedVersion: 1 })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(b.owner.vendor.products.archive({ productId: p.id, expectedVersion: 1 }))).toBe("NOT_FOUND");
    expect(
      await codeOf(b.owner.vendor.stock.adjust({ warehouseId: north, productId: p.id, delta: -5, reason: "adjust" })),
    ).toBe("NOT_FOUND");
    expect((await b.owner.vendor.products.list()).items.map((x) => x.id)).not.toContain(p.id);
    expect(await b.owner.vendor.warehouses.list()).toEqual([]);
    const still = await a.owner.vendor.products.get({ productId: p.id });
    expect({ version: still.version, available: still.available, status: still.status }).toEqual({
      version: 1,
      available: 5,
      status: "active",
    });
  });

  it("shows the owner the tenant's audit log and keeps other tenants' entries out", async () => {
    const page = await a.owner.vendor.auditLog({ limit: 100 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.map((i) => i.action)).toEqual(expect.arrayContaining(["product.create", "stock.transfer"]));
    expect((await b.owner.vendor.auditLog({ limit: 100 })).items).toEqual([]);
    expect(await codeOf(a.staff.vendor.auditLog({ limit: 10 }))).toBe("FORBIDDEN");
  });
});
