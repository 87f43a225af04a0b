/**
 * Keyset (seek) pagination over `catalog_search`: a page is "the next N rows after (key, id)" in a
 * total order, answered by an index range scan whatever the depth — no OFFSET, so page 200 costs
 * what page 1 costs, and rows inserted meanwhile never shift or duplicate a page.
 */
import { type Cursor, encodeCursor } from "./cursor.ts";

export interface SortSpec {
  /** SQL expression of the sort key (product_id breaks ties). */
  expr: string;
  /** Postgres type of the key, for the cursor parameter. */
  type: "text" | "int" | "float8";
  desc: boolean;
}

export interface KeysetPlan {
  /** `AND (...)` or "" for the first page. */
  where: string;
  orderBy: string;
  params: unknown[];
  /** Rows come back in reverse page order (paging backwards): reverse them after the query. */
  reversed: boolean;
}

/** `firstParam` = the `$n` number the cursor's two parameters start at. */
export function keysetPlan(spec: SortSpec, cursor: Cursor | null, firstParam: number): KeysetPlan {
  const backwards = cursor?.d === "before";
  // Walking backwards = the opposite comparison and order, then flip the rows.
  const desc = spec.desc !== backwards;
  const dir = desc ? "DESC" : "ASC";
  const orderBy = `${spec.expr} ${dir}, product_id ${dir}`;
  if (!cursor) return { where: "", orderBy, params: [], reversed: false };
  const cmp = desc ? "<" : ">";
  return {
    where: `AND (${spec.expr}, product_id) ${cmp} ($${firstParam}::${spec.type}, $${firstParam + 1}::uuid)`,
    orderBy,
    params: [cursor.v, cursor.id],
    reversed: backwards,
  };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * Turns `limit + 1` fetched rows into a page with cursors. `keyOf` gives a row's sort key value.
 */
export function toPage<T extends { productId: string }>(
  rows: T[],
  limit: number,
  sort: string,
  cursor: Cursor | null,
  plan: KeysetPlan,
  keyOf: (row: T) => string | number,
): Page<T> {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  if (plan.reversed) items.reverse();
  const first = items[0];
  const last = items.at(-1);
  // Forward: a next page exists if we saw one extra row; a previous one if we came from a cursor.
  // Backward: the mirror image.
  const hasNext = plan.reversed ? true : more;
  const hasPrev = plan.reversed ? more : cursor !== null;
  return {
    items,
    nextCursor:
      hasNext && last
        ? encodeCursor({ s: sort, d: "after", v: keyOf(last), id: last.productId })
        : null,
    prevCursor:
      hasPrev && first
        ? encodeCursor({ s: sort, d: "before", v: keyOf(first), id: first.productId })
        : null,
  };
}
