/**
 * How long a shared cache in front of the apps may keep each public query's answer, in seconds.
 * The API marks answers with it (`@agora/api/edge-cache`, where the policy is explained) and the
 * gateway's generator (infra/local's HAProxy config) sends exactly these procedures through the
 * cache. Pure: the browser bundle reads it too.
 */
export const EDGE_CACHE_SECONDS: Readonly<Record<string, number>> = {
  "catalog.home": 10,
  "catalog.overview": 10,
  "catalog.category": 5,
  "catalog.product": 2,
  "search.query": 5,
  "search.suggest": 30,
  "reviews.list": 10,
  "recommendations.alsoBought": 60,
};

/**
 * Storefront pages the edge keeps for visitors without a session (no `…session-token` cookie): the
 * same HTML for every such visitor, since nothing in it depends on who asks (the cart count and
 * live stock are fetched by the browser; the header's account corner reads "Sign in"). Kept for
 * `seconds`, keyed by the full URI (sort, page cursor) and the answer's encoding. A signed-in
 * visitor, a client navigation's RSC request and anything not listed reach a storefront.
 * `pathRegex` is matched by HAProxy and nginx alike (PCRE without backslashes).
 */
export interface EdgePage {
  name: string;
  pathRegex: string;
  seconds: number;
}

export const EDGE_PAGES: readonly EdgePage[] = [
  { name: "home", pathRegex: "^/$", seconds: 5 },
  { name: "category", pathRegex: "^/c/[^/]+$", seconds: 5 },
  // Stock on a product page is corrected live (Socket.IO), as for `catalog.product`.
  { name: "product", pathRegex: "^/p/[^/]+$", seconds: 2 },
];

/**
 * The guest cart's cookie (packages/api/src/cart/cart-cookie.ts): a random UUID every visitor gets
 * with the first page. The storefront's proxy sets it; for a page the edge answers from its cache
 * the gateway sets it instead (the cached answer carries no Set-Cookie).
 */
export const GUEST_CART_COOKIE = { name: "agora_cart", maxAgeSeconds: 7 * 24 * 60 * 60 } as const;
