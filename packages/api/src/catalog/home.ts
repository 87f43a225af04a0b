import { core } from "@agora/db";
import { cachedList } from "../cache/catalog-caches.ts";
import { type CatalogFreshness, catalogFreshnessOrNull } from "../regions/catalog-freshness.ts";
import { PRODUCT_CARD_COLUMNS, type ProductCard, VISIBLE } from "./product-card.ts";

export interface CatalogHome {
  categories: { slug: string; name: string; productCount: number }[];
  featured: ProductCard[];
  /** How old this region's copy of the catalog is (AP: served stale rather than not at all). */
  freshness: CatalogFreshness | null;
}

const FEATURED = 8;

/** Categories with their product counts and a daily rotating set of in-stock products. */
export async function catalogHome(): Promise<CatalogHome> {
  const [page, freshness] = await Promise.all([homeLists(), catalogFreshnessOrNull()]);
  return { ...page, freshness };
}

function homeLists(): Promise<Omit<CatalogHome, "freshness">> {
  return cachedList("home", {}, async () => {
    const { value } = await core().read({ level: "eventual" }, async (db) => {
      const [categories, featured] = await Promise.all([
        db.$queryRawUnsafe<{ slug: string; name: string; productCount: number }[]>(
          `SELECT c.slug, c.name, count(s.product_id)::int AS "productCount"
           FROM categories c LEFT JOIN catalog_search s ON s.category_slug = c.slug AND s.${VISIBLE}
           GROUP BY c.slug, c.name ORDER BY c.name`,
        ),
        // Rotates daily but stays stable within a day, so the cached page and the next render agree.
        db.$queryRawUnsafe<ProductCard[]>(
          `SELECT ${PRODUCT_CARD_COLUMNS} FROM catalog_search
           WHERE ${VISIBLE} AND in_stock
           ORDER BY md5(product_id::text || current_date::text) LIMIT ${FEATURED}`,
        ),
      ]);
      return { categories, featured };
    });
    return value;
  });
}
