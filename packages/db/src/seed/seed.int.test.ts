import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeAll, core, withTenant } from "../index.ts";
import { seed } from "./index.ts";

const stateDir = mkdtempSync(join(tmpdir(), "agora-seed-"));
afterAll(async () => {
  await closeAll();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("seed", () => {
  it("creates a small deterministic catalog once and does nothing the second time", async () => {
    const runName = `t${randomUUID().slice(0, 8)}`;
    const first = await seed({ products: 40, seedNumber: 7, runName, stateDir, vendors: 2 });
    expect(first.skipped).toBe(false);
    expect(first.vendors).toHaveLength(2);
    expect(new Set(first.logins.map((l) => l.role))).toEqual(
      new Set(["admin", "operator", "shopper", "vendor_owner", "vendor_staff"]),
    );

    let products = 0;
    for (const v of first.vendors) {
      const rows = await withTenant(v.id, (tx) =>
        tx.product.findMany({
          where: { vendorId: v.id },
          include: { media: true, stock: true, variants: true },
        }),
      );
      products += rows.length;
      for (const p of rows) {
        expect(p.media).toHaveLength(1);
        expect(existsSync(join(stateDir, p.media[0]!.path))).toBe(true);
        expect(p.stock).toHaveLength(2); // one row per warehouse
        // The product's own SKU and stock: no placeholder variant listed beside it with no stock.
        expect(p.variants).toEqual([]);
        expect(p.sku).toMatch(/^[A-Z0-9-]+-[0-9A-F]{8}$/);
        expect(p.stock.every((s) => s.variantId === null)).toBe(true);
      }
    }
    expect(products).toBe(40);
    expect(
      await core().primary.catalogSearch.count({
        where: { vendorId: { in: first.vendors.map((v) => v.id) } },
      }),
    ).toBe(40);

    const second = await seed({ products: 40, seedNumber: 7, runName, stateDir, vendors: 2 });
    expect(second.skipped).toBe(true);
    expect(second.vendors.map((v) => v.id).sort()).toEqual(first.vendors.map((v) => v.id).sort());
  });
});
