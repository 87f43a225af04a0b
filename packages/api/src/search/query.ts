/**
 * Catalog search over the core read model: Postgres full text (tsvector, English stemming) OR
 * trigram word similarity on the title, so a typo ("hedphones") still finds headphones. Facets are
 * disjunctive: each one is counted with every filter except its own, so choosing a category still
 * shows how many results the other categories would give.
 */
import { core } from "@agora/db";
import { cachedList } from "../cache/catalog-caches.ts";
import { parseCursor } from "../catalog/category.ts";
import { keysetPlan, type Page, type SortSpec, toPage } from "../catalog/keyset.ts";
import { PRODUCT_CARD_COLUMNS, type ProductCard, VISIBLE } from "../catalog/product-card.ts";
import { type Freshness, freshnessOf, projectionLagMs } from "./freshness.ts";
import { PRICE_BUCKETS } from "./price-buckets.ts";
import { correctQuery } from "./spelling.ts";
import type { SearchInput, SearchSort } from "./query.schema.ts";

type Dim = "category" | "vendor" | "price" | "stock";

export interface SearchResult extends Page<ProductCard & { rank: number }> {
  total: number;
  facets: {
    categories: { slug: string; count: number }[];
    vendors: { id: string; name: string; count: number }[];
    prices: { label: string; min: number; max: number | null; count: number }[];
    inStock: { inStock: number; outOfStock: number };
  };
  freshness: Freshness;
  sort: SearchSort;
  /** The query with unknown words corrected, when it was searched for as well ("cottn" → "cotton"). */
  correctedQuery: string | null;
}

class Sql {
  readonly params: unknown[] = [];
  p(value: unknown, type: string): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }
}

/** The WHERE clause for `input`, leaving out the filter of one facet dimension. */
function whereOf(sql: Sql, input: SearchInput, except?: Dim): string {
  const parts = [VISIBLE];
  if (input.q) {
    const q = sql.p(input.q, "text");
    parts.push(`(search_vector @@ websearch_to_tsquery('english', ${q}) OR ${q} <% title)`);
  }
  if (input.category && except !== "category")
    parts.push(`category_slug = ${sql.p(input.category, "text")}`);
  if (input.vendorIds?.length && except !== "vendor")
    parts.push(`vendor_id = ANY(${sql.p(input.vendorIds, "uuid[]")})`);
  if (except !== "price") {
    if (input.priceMin !== undefined) parts.push(`price_cents >= ${sql.p(input.priceMin, "int")}`);
    if (input.priceMax !== undefined) parts.push(`price_cents < ${sql.p(input.priceMax, "int")}`);
  }
  if (input.inStock !== undefined && except !== "stock")
    parts.push(`in_stock = ${sql.p(input.inStock, "boolean")}`);
  return parts.join(" AND ");
}

function sortSpec(sort: SearchSort, rankExpr: string | null): SortSpec {
  switch (sort) {
    case "price_asc":
      return { expr: "price_cents", type: "int", desc: false };
    case "price_desc":
      return { expr: "price_cents", type: "int", desc: true };
    case "name":
      return { expr: "title", type: "text", desc: false };
    case "relevance":
      // Without a query every row ranks the same: fall back to a stable name order.
      return rankExpr
        ? { expr: rankExpr, type: "float8", desc: true }
        : { expr: "title", type: "text", desc: false };
  }
}

function keyOf(sort: SearchSort, hasQuery: boolean) {
  return (r: ProductCard & { rank: number }): string | number => {
    if (sort === "price_asc" || sort === "price_desc") return r.priceCents;
    if (sort === "relevance" && hasQuery) return r.rank;
    return r.title;
  };
}

export async function searchCatalog(input: SearchInput): Promise<SearchResult> {
  // The cursor's key has the type of the sort key this request orders by (rank only with a query).
  const keyType = sortSpec(input.sort, input.q ? "rank" : null).type;
  const cursor = parseCursor(input.cursor, input.sort, keyType);
  return cachedList("search", input, async () => {
    const { value, lagMs } = await core().read(
      { level: "bounded", maxLagMs: 5_000 },
      async (db) => {
        // Unknown words are searched corrected as well: "cottn" → "cottn or cotton".
        const correctedQuery = input.q ? await correctQuery(db, input.q) : null;
        const searched = correctedQuery ? { ...input, q: `${input.q} or ${correctedQuery}` } : input;
        const page = new Sql();
        const where = whereOf(page, searched);
        const rankExpr = input.q
          ? `(ts_rank(search_vector, websearch_to_tsquery('english', $1::text)) + word_similarity($1::text, title))::float8`
          : null;
        const spec = sortSpec(input.sort, rankExpr);
        const plan = keysetPlan(spec, cursor, page.params.length + 1);
        const rowsQuery = db.$queryRawUnsafe<(ProductCard & { rank: number })[]>(
          `SELECT ${PRODUCT_CARD_COLUMNS}, ${rankExpr ?? "0::float8"} AS rank FROM catalog_search
         WHERE ${where} ${plan.where} ORDER BY ${plan.orderBy} LIMIT ${input.limit + 1}`,
          ...page.params,
          ...plan.params,
        );
        const count = (except: Dim | undefined, select: string, tail = "") => {
          const sql = new Sql();
          return db.$queryRawUnsafe<Record<string, unknown>[]>(
            `SELECT ${select} FROM catalog_search WHERE ${whereOf(sql, searched, except)} ${tail}`,
            ...sql.params,
          );
        };
        const bucketCols = PRICE_BUCKETS.map(
          (b, i) =>
            `count(*) FILTER (WHERE price_cents >= ${b.min}${b.max === null ? "" : ` AND price_cents < ${b.max}`})::int AS b${i}`,
        ).join(", ");
        const [rows, total, categories, vendors, prices, stock, projectionLag] = await Promise.all([
          rowsQuery,
          count(undefined, `count(*)::int AS n`),
          count(
            "category",
            `category_slug AS slug, count(*)::int AS count`,
            "GROUP BY 1 ORDER BY 2 DESC, 1",
          ),
          count(
            "vendor",
            `vendor_id::text AS id, min(vendor_name) AS name, count(*)::int AS count`,
            "GROUP BY 1 ORDER BY 3 DESC, 2",
          ),
          count("price", bucketCols),
          count(
            "stock",
            `count(*) FILTER (WHERE in_stock)::int AS "inStock", count(*) FILTER (WHERE NOT in_stock)::int AS "outOfStock"`,
          ),
          projectionLagMs(db),
        ]);
        return {
          correctedQuery,
          plan,
          rows,
          total: Number(total[0]?.n ?? 0),
          categories: categories as { slug: string; count: number }[],
          vendors: vendors as { id: string; name: string; count: number }[],
          prices: PRICE_BUCKETS.map((b, i) => ({ ...b, count: Number(prices[0]?.[`b${i}`] ?? 0) })),
          inStock: stock[0] as { inStock: number; outOfStock: number },
          projectionLag,
        };
      },
    );
    return {
      ...toPage(
        value.rows,
        input.limit,
        input.sort,
        cursor,
        value.plan,
        keyOf(input.sort, !!input.q),
      ),
      total: value.total,
      facets: {
        categories: value.categories,
        vendors: value.vendors,
        prices: value.prices,
        inStock: value.inStock,
      },
      freshness: freshnessOf(value.projectionLag, lagMs),
      sort: input.sort,
      correctedQuery: value.correctedQuery,
    };
  });
}
