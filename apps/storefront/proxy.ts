import { GUEST_CART_COOKIE } from "@agora/config/edge-cache";
import { type NextRequest, NextResponse } from "next/server";

/** The guest cart's key (see packages/api/src/cart/cart-owner.ts); its value is a random uuid. */
export const CART_COOKIE = GUEST_CART_COOKIE.name;
const CART_MAX_AGE_S = GUEST_CART_COOKIE.maxAgeSeconds;

/**
 * Gives every visitor a guest cart id before the first page or API call, so `cart.add` works
 * without an account. httpOnly: only the server reads it. Set on the request too, so the very
 * request that created it already sees it.
 */
export default function proxy(req: NextRequest) {
  if (req.cookies.get(CART_COOKIE)?.value) return NextResponse.next();
  const id = crypto.randomUUID();
  req.cookies.set(CART_COOKIE, id);
  const res = NextResponse.next({ request: { headers: req.headers } });
  res.cookies.set(CART_COOKIE, id, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: CART_MAX_AGE_S,
    secure: req.nextUrl.protocol === "https:",
  });
  return res;
}

// Public catalog reads (EDGE_CACHE_SECONDS of @agora/api/edge-cache) never get a cookie: a
// response with Set-Cookie could not be kept by the edge cache, and they need no cart. A browser
// has its cart cookie from the first page it loaded.
export const config = {
  matcher: [
    "/((?!healthz|readyz|_next/|icon\\.svg|favicon\\.ico|socket\\.io/|api/trpc/(?:catalog|search|reviews|recommendations)\\.).*)",
  ],
};
