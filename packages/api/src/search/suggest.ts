import { core } from "@agora/db";
import { cachedList } from "../cache/catalog-caches.ts";
import { VISIBLE } from "../catalog/product-card.ts";

export interface Suggestion {
  productId: string;
  title: string;
  categorySlug: string;
}

const LIMIT = 8;

/** Escapes LIKE wildcards so a typed "%" or "_" matches itself. */
export function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Instant suggestions while typing: titles that start with the text (or have a word that does)
 * first, then typo-tolerant trigram matches. Small, and cached per prefix.
 */
export async function suggest(q: string): Promise<Suggestion[]> {
  const key = q.toLowerCase();
  return cachedList("suggest", key, async () => {
    const { value } = await core().read({ level: "eventual" }, (db) =>
      db.$queryRawUnsafe<Suggestion[]>(
        `SELECT product_id::text AS "productId", title, category_slug AS "categorySlug"
         FROM catalog_search
         WHERE ${VISIBLE} AND (title ILIKE $1 OR title ILIKE '% ' || $1 OR $2 <% title)
         ORDER BY (title ILIKE $1) DESC, word_similarity($2, title) DESC, title, product_id
         LIMIT ${LIMIT}`,
        likePrefix(key),
        key,
      ),
    );
    return value;
  });
}
