import { core } from "@agora/db";
import { z } from "zod";
import { cachedList } from "../cache/catalog-caches.ts";
import { PRODUCT_CARD_COLUMNS, type ProductCard, VISIBLE } from "../catalog/product-card.ts";

export const alsoBoughtInput = z.object({ productId: z.uuid() });

const LIMIT = 6;

/**
 * "Customers also bought": products that appear in the same orders as this one (co-occurrence in
 * core `orders.items`), most frequent first. Orders that failed do not count. Cached for minutes:
 * it moves slowly and the query scans orders.
 */
export async function alsoBought(
  productId: string,
): Promise<(ProductCard & { together: number })[]> {
  return cachedList("recommendations", productId, async () => {
    const { value } = await core().read({ level: "eventual" }, (db) =>
      db.$queryRawUnsafe<(ProductCard & { together: number })[]>(
        `WITH co AS (
           SELECT (other ->> 'productId')::uuid AS product_id, count(DISTINCT o.id)::int AS together
           FROM orders o, jsonb_array_elements(o.items) AS other
           WHERE o.items @> jsonb_build_array(jsonb_build_object('productId', $1::text))
             AND o.status NOT IN ('FAILED', 'CANCELLED')
             AND other ->> 'productId' <> $1::text
           GROUP BY 1
         )
         SELECT ${PRODUCT_CARD_COLUMNS}, co.together
         FROM co JOIN catalog_search s USING (product_id)
         WHERE s.${VISIBLE}
         ORDER BY co.together DESC, s.title, s.product_id
         LIMIT ${LIMIT}`,
        productId,
      ),
    );
    return value;
  });
}
