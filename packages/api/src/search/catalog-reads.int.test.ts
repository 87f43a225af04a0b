/**
 * Catalog reads against the real core cluster: keyset pagination over a 5,200-product category,
 * typo-tolerant search, and facet counts that agree with the results they promise. The test
 * writes its own category into the read model (unique per run) and removes it afterwards.
 */
import { randomUUID } from "node:crypto";
import { closeAll, core } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeApiRedis } from "../cache/redis-connection.ts";
import { categoryPage } from "../catalog/category.ts";
import type { CategorySort } from "../catalog/cursor.ts";
import { searchCatalog } from "./query.ts";
import { suggest } from "./suggest.ts";
import { searchInput } from "./query.schema.ts";
import { categoryInput } from "../catalog/category.schema.ts";

const run = randomUUID().slice(0, 8);
const slug = `keyset-${run}`;
const PRODUCTS = 5_200;
const vendors = [randomUUID(), randomUUID(), randomUUID()];
const headphonesId = randomUUID();
/** A word only this run's headphones' description contains (letters only, like every term). */
const fabric = `velour${run.replace(/[0-9]/g, (d) => "ghijklmnop"[Number(d)]!)}`;

beforeAll(async () => {
  const db = core().primary;
  await db.$executeRawUnsafe(
    `INSERT INTO categories (slug, name) VALUES ($1, $2)`,
    slug,
    `Keyset ${run}`,
  );
  // Deliberately many equal prices and titles so the product_id tie-break is exercised.
  await db.$executeRawUnsafe(
    `INSERT INTO catalog_search (product_id, vendor_id, vendor_name, shard, category_slug, title,
       description, price_cents, image_url, in_stock, available, source_version)
     SELECT gen_random_uuid(), ($2::uuid[])[1 + n % 3], 'Vendor ' || (n % 3), 'shard-1', $1,
       'Item ' || lpad((n % 1700)::text, 4, '0'), 'A sturdy test item number ' || n,
       (n * 7919) % 40000, NULL, n % 4 <> 0, CASE WHEN n % 4 <> 0 THEN n % 9 + 1 ELSE 0 END, 1
     FROM generate_series(1, $3::int) AS n`,
    slug,
    vendors,
    PRODUCTS - 1,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO catalog_search (product_id, vendor_id, vendor_name, shard, category_slug, title,
       description, price_cents, in_stock, available, source_version)
     VALUES ($1::uuid, $2::uuid, 'Vendor 0', 'shard-1', $3, 'Wireless Headphones ' || $4,
       'Over-ear, noise cancelling, ' || $5 || ' cushions', 12900, true, 3, 1)`,
    headphonesId,
    vendors[0],
    slug,
    run,
    fabric,
  );
});

afterAll(async () => {
  await core().primary.$executeRawUnsafe(
    `DELETE FROM catalog_search WHERE category_slug = $1`,
    slug,
  );
  await core().primary.$executeRawUnsafe(`DELETE FROM categories WHERE slug = $1`, slug);
  await closeApiRedis();
  await closeAll();
});

async function fullOrder(sort: CategorySort): Promise<string[]> {
  const order = {
    name: "title ASC, product_id ASC",
    price_asc: "price_cents ASC, product_id ASC",
    price_desc: "price_cents DESC, product_id DESC",
  }[sort];
  const rows = await core().primary.$queryRawUnsafe<{ id: string }[]>(
    `SELECT product_id::text AS id FROM catalog_search WHERE category_slug = $1 ORDER BY ${order}`,
    slug,
  );
  return rows.map((r) => r.id);
}

describe("category keyset pagination", () => {
  it.each(["name", "price_desc"] as const)(
    "walks every page of a 5,200-product category in %s order with no duplicates or gaps",
    async (sort) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await categoryPage(categoryInput.parse({ slug, sort, cursor, limit: 96 }));
        seen.push(...page.items.map((p) => p.productId));
        cursor = page.nextCursor;
        pages++;
        expect(pages).toBeLessThan(100);
      } while (cursor);
      expect(pages).toBe(Math.ceil(PRODUCTS / 96));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(await fullOrder(sort));
    },
  );

  it("walks back with previous cursors to exactly the pages it came through", async () => {
    const forward: string[][] = [];
    let page = await categoryPage(categoryInput.parse({ slug, sort: "price_asc", limit: 50 }));
    forward.push(page.items.map((p) => p.productId));
    for (let i = 0; i < 4 && page.nextCursor; i++) {
      page = await categoryPage(
        categoryInput.parse({ slug, sort: "price_asc", limit: 50, cursor: page.nextCursor }),
      );
      forward.push(page.items.map((p) => p.productId));
    }
    for (let i = forward.length - 2; i >= 0; i--) {
      page = await categoryPage(
        categoryInput.parse({ slug, sort: "price_asc", limit: 50, cursor: page.prevCursor }),
      );
      expect(page.items.map((p) => p.productId)).toEqual(forward[i]);
    }
    expect(page.prevCursor).toBeNull();
  });

  it("refuses a cursor made for another sort with BAD_REQUEST", async () => {
    const first = await categoryPage(categoryInput.parse({ slug, sort: "name" }));
    await expect(
      categoryPage(categoryInput.parse({ slug, sort: "price_asc", cursor: first.nextCursor })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("search", () => {
  it("finds headphones for the typo 'hedphones'", async () => {
    const r = await searchCatalog(searchInput.parse({ q: "hedphones", category: slug }));
    expect(r.items.map((p) => p.productId)).toContain(headphonesId);
  });

  it("finds a product by a misspelt word only its description contains, and says what it searched for", async () => {
    const typo = fabric.slice(0, 3) + fabric.slice(4); // one letter dropped
    const exact = await searchCatalog(searchInput.parse({ q: fabric, category: slug }));
    expect(exact.items.map((p) => p.productId)).toEqual([headphonesId]);
    expect(exact.correctedQuery).toBeNull();
    const r = await searchCatalog(searchInput.parse({ q: typo, category: slug }));
    expect(r.items.map((p) => p.productId)).toEqual([headphonesId]);
    expect(r.correctedQuery).toBe(fabric);
  });

  it("ranks the exact full-text match first", async () => {
    const r = await searchCatalog(searchInput.parse({ q: "wireless headphones", category: slug }));
    expect(r.items[0]?.productId).toBe(headphonesId);
    expect(r.freshness.lagMs).toBeGreaterThanOrEqual(0);
  });

  it("suggests titles by prefix while typing", async () => {
    const s = await suggest(`wireless headphones ${run}`.slice(0, 20));
    expect(s.map((x) => x.productId)).toContain(headphonesId);
  });

  it("gives facet counts that equal the totals of the filtered searches they lead to", async () => {
    const base = searchInput.parse({ q: "item", category: slug });
    const r = await searchCatalog(base);
    expect(r.total).toBe(PRODUCTS - 1);
    expect(r.facets.vendors.reduce((s, v) => s + v.count, 0)).toBe(r.total);
    for (const v of r.facets.vendors) {
      const narrowed = await searchCatalog({ ...base, vendorIds: [v.id] });
      expect(narrowed.total, `vendor ${v.name}`).toBe(v.count);
    }
    for (const b of r.facets.prices) {
      const narrowed = await searchCatalog({
        ...base,
        priceMin: b.min,
        ...(b.max === null ? {} : { priceMax: b.max }),
      });
      expect(narrowed.total, b.label).toBe(b.count);
    }
    const inStock = await searchCatalog({ ...base, inStock: true });
    expect(inStock.total).toBe(r.facets.inStock.inStock);
    expect(inStock.items.every((p) => p.inStock)).toBe(true);
    // Disjunctive: with a vendor chosen, the vendor facet still counts the other vendors.
    const oneVendor = await searchCatalog({ ...base, vendorIds: [vendors[1] as string] });
    expect(oneVendor.facets.vendors).toEqual(r.facets.vendors);
  });

  it("pages search results by keyset in relevance order without duplicates", async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await searchCatalog(
        searchInput.parse({ q: "sturdy item", category: slug, limit: 40, cursor }),
      );
      ids.push(...r.items.map((p) => p.productId));
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    expect(ids.length).toBe(200);
    expect(new Set(ids).size).toBe(200);
  });
});
