/**
 * The /search URL ⇄ search.query input. Facets are links that toggle one parameter, so the page
 * works without JavaScript and every result set has a shareable URL.
 */
export interface SearchUrlState {
  q: string;
  category?: string;
  vendor: string[];
  /** Price bucket as "min-max" in cents ("min-" = open-ended). */
  price?: string;
  inStock?: "1";
  sort: "relevance" | "price_asc" | "price_desc" | "name";
  cursor?: string;
}

const SORTS = ["relevance", "price_asc", "price_desc", "name"] as const;

export function parseSearchParams(
  sp: Record<string, string | string[] | undefined>,
): SearchUrlState {
  const one = (k: string) => {
    const v = sp[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const all = (k: string) => {
    const v = sp[k];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const sort = one("sort");
  return {
    q: one("q") ?? "",
    ...(one("category") ? { category: one("category") } : {}),
    vendor: all("vendor"),
    ...(one("price") ? { price: one("price") } : {}),
    ...(one("inStock") === "1" ? { inStock: "1" as const } : {}),
    sort: (SORTS as readonly string[]).includes(sort ?? "")
      ? (sort as SearchUrlState["sort"])
      : "relevance",
    ...(one("cursor") ? { cursor: one("cursor") } : {}),
  };
}

export function priceRange(price: string | undefined): { priceMin?: number; priceMax?: number } {
  const m = /^(\d+)-(\d*)$/.exec(price ?? "");
  if (!m) return {};
  return { priceMin: Number(m[1]), ...(m[2] ? { priceMax: Number(m[2]) } : {}) };
}

export function searchHref(state: SearchUrlState, change: Partial<SearchUrlState>): string {
  // Any change of filters or sort starts again at the first page.
  const next = { ...state, cursor: undefined, ...change };
  const p = new URLSearchParams();
  if (next.q) p.set("q", next.q);
  if (next.category) p.set("category", next.category);
  for (const v of next.vendor) p.append("vendor", v);
  if (next.price) p.set("price", next.price);
  if (next.inStock) p.set("inStock", next.inStock);
  if (next.sort !== "relevance") p.set("sort", next.sort);
  if (next.cursor) p.set("cursor", next.cursor);
  return `/search?${p.toString()}`;
}
