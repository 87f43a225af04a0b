import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { cachedList } from "../cache/catalog-caches.ts";
import type { CategoryInput } from "./category.schema.ts";
import {
  type CategorySort,
  type Cursor,
  decodeCursor,
  InvalidCursorError,
  type SortKeyType,
} from "./cursor.ts";
import { keysetPlan, type Page, type SortSpec, toPage } from "./keyset.ts";
import { type CatalogFreshness, catalogFreshnessOrNull } from "../regions/catalog-freshness.ts";
import { PRODUCT_CARD_COLUMNS, type ProductCard, VISIBLE } from "./product-card.ts";

/** Each sort is backed by an index (category_slug, key, product_id): see migration 0003. */
export const CATEGORY_SORT_SPECS: Record<
  CategorySort,
  SortSpec & { keyOf: (p: ProductCard) => string | number }
> = {
  name: { expr: "title", type: "text", desc: false, keyOf: (p) => p.title },
  price_asc: { expr: "price_cents", type: "int", desc: false, keyOf: (p) => p.priceCents },
  price_desc: { expr: "price_cents", type: "int", desc: true, keyOf: (p) => p.priceCents },
};

export interface CategoryPage extends Page<ProductCard> {
  category: { slug: string; name: string; productCount: number };
  sort: CategorySort;
  /** How old this region's copy of the catalog is (see regions/catalog-freshness.ts). */
  freshness: CatalogFreshness | null;
}

export function parseCursor(
  raw: string | null | undefined,
  sort: string,
  keyType: SortKeyType,
): Cursor | null {
  if (!raw) return null;
  try {
    return decodeCursor(raw, sort, keyType);
  } catch (err) {
    if (err instanceof InvalidCursorError)
      throw new TRPCError({ code: "BAD_REQUEST", message: err.message, cause: err });
    throw err;
  }
}

export async function categoryPage(input: CategoryInput): Promise<CategoryPage> {
  const cursor = parseCursor(input.cursor, input.sort, CATEGORY_SORT_SPECS[input.sort].type);
  const [page, freshness] = await Promise.all([categoryList(input, cursor), catalogFreshnessOrNull()]);
  return { ...page, freshness };
}

function categoryList(input: CategoryInput, cursor: Cursor | null): Promise<Omit<CategoryPage, "freshness">> {
  return cachedList("category", input, async () => {
    const spec = CATEGORY_SORT_SPECS[input.sort];
    const plan = keysetPlan(spec, cursor, 2);
    const { value } = await core().read({ level: "eventual" }, async (db) => {
      const [category, rows] = await Promise.all([
        db.$queryRawUnsafe<{ slug: string; name: string; productCount: number }[]>(
          `SELECT c.slug, c.name,
             (SELECT count(*)::int FROM catalog_search s WHERE s.category_slug = c.slug AND s.${VISIBLE}) AS "productCount"
           FROM categories c WHERE c.slug = $1`,
          input.slug,
        ),
        db.$queryRawUnsafe<ProductCard[]>(
          `SELECT ${PRODUCT_CARD_COLUMNS} FROM catalog_search
           WHERE category_slug = $1 AND ${VISIBLE} ${plan.where}
           ORDER BY ${plan.orderBy} LIMIT ${input.limit + 1}`,
          input.slug,
          ...plan.params,
        ),
      ]);
      return { category: category[0], rows };
    });
    if (!value.category)
      throw new TRPCError({ code: "NOT_FOUND", message: `no category "${input.slug}"` });
    return {
      category: value.category,
      sort: input.sort,
      ...toPage(value.rows, input.limit, input.sort, cursor, plan, spec.keyOf),
    };
  });
}
