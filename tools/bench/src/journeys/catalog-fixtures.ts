/**
 * What the read scenarios ask for, found through the public API before any timing (never ids
 * written into the bench): the biggest category and its page-20 cursor, a product, a search word
 * from a real title, the same word with a typo, a prefix for suggestions, buyable items in stock.
 */
import type { ShopperClient } from "./http-client.ts";
import type { BuyableItem } from "./shopper.ts";
import { trpcQuery } from "./trpc.ts";

interface Card {
  productId: string;
  vendorId: string;
  title: string;
  available: number | null;
  inStock: boolean;
}

interface Detail {
  productId: string;
  vendor: { id: string };
  stockByVariant: boolean;
  available: number;
  variants: { id: string; available: number }[];
}

export interface CatalogFixtures {
  categorySlug: string;
  categoryProducts: number;
  /** The cursor of the deepest page reached, up to page 20, and that page's number. */
  deepCursor: string | null;
  deepPage: number;
  pageSize: number;
  productId: string;
  searchWord: string;
  typoWord: string;
  suggestPrefix: string;
}

export const CATEGORY_PAGE_SIZE = 24;
export const DEEP_PAGE = 20;

/** The word with its middle letter left out, a typical typo ("cotton" → "coton", "shirt" → "shrt"). */
export function withTypo(word: string): string {
  if (word.length < 3) return word;
  const i = Math.floor(word.length / 2);
  return word.slice(0, i) + word.slice(i + 1);
}

/** The longest plain word of the titles (≥ 5 letters), lower case. */
export function searchWordOf(titles: readonly string[]): string {
  const words = titles
    .flatMap((t) => t.toLowerCase().split(/[^a-z]+/))
    .filter((w) => w.length >= 5)
    .sort((a, b) => b.length - a.length || a.localeCompare(b));
  return words[0] ?? "shirt";
}

export async function catalogFixtures(client: ShopperClient): Promise<CatalogFixtures> {
  const home = await trpcQuery<{
    categories: { slug: string; productCount: number }[];
    featured: Card[];
  }>(client, "catalog.home");
  const biggest = [...home.categories].sort((a, b) => b.productCount - a.productCount)[0];
  const product = home.featured[0];
  if (!biggest || !product)
    throw new Error("catalog.home has no categories or products: is the demo data seeded?");
  let cursor: string | null = null;
  let page = 1;
  let titles: string[] = home.featured.map((c) => c.title);
  for (; page < DEEP_PAGE; page++) {
    const p: { items: Card[]; nextCursor: string | null } = await trpcQuery(
      client,
      "catalog.category",
      {
        slug: biggest.slug,
        limit: CATEGORY_PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      },
    );
    if (page === 1) titles = [...titles, ...p.items.map((c) => c.title)];
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  const searchWord = searchWordOf(titles);
  return {
    categorySlug: biggest.slug,
    categoryProducts: biggest.productCount,
    deepCursor: cursor,
    deepPage: cursor ? page : 1,
    pageSize: CATEGORY_PAGE_SIZE,
    productId: product.productId,
    searchWord,
    typoWord: withTypo(searchWord),
    suggestPrefix: searchWord.slice(0, 3),
  };
}

/** In-stock items that can go straight into a cart (a variant picked where stock is per variant), most stock first. */
export async function buyableItems(client: ShopperClient, wanted: number): Promise<BuyableItem[]> {
  const found = await trpcQuery<{ items: Card[] }>(client, "search.query", {
    inStock: true,
    limit: 96,
    sort: "relevance",
  });
  const cards = found.items
    .filter((c) => c.inStock)
    .sort((a, b) => (b.available ?? 0) - (a.available ?? 0));
  const out: BuyableItem[] = [];
  let units = 0;
  for (const card of cards) {
    const d = await trpcQuery<Detail>(client, "catalog.product", { productId: card.productId });
    if (d.stockByVariant) {
      const v = [...d.variants].sort((a, b) => b.available - a.available)[0];
      if (v && v.available > 0)
        out.push({
          productId: d.productId,
          vendorId: d.vendor.id,
          variantId: v.id,
          available: v.available,
        });
    } else if (d.available > 0) {
      out.push({ productId: d.productId, vendorId: d.vendor.id, available: d.available });
    }
    units = out.reduce((s, i) => s + i.available, 0);
    if (units >= wanted && out.length >= 4) break;
  }
  return out;
}

/** One unit per shopper, spread over the items without selling more than each has. */
export function allocate(items: readonly BuyableItem[], shoppers: number): BuyableItem[] {
  const left = items.map((i) => ({ item: i, left: i.available }));
  const out: BuyableItem[] = [];
  for (let n = 0; n < shoppers; n++) {
    const open = left.filter((l) => l.left > 0);
    if (open.length === 0) break;
    const pick = open[n % open.length] as (typeof open)[number];
    pick.left -= 1;
    out.push(pick.item);
  }
  return out;
}
