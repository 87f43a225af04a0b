/**
 * `cart.get`: the stored lines revalidated against each vendor's shard (price, status, stock),
 * grouped per vendor with that vendor's shipping options. A vendor whose shard cannot answer
 * does not break the cart: its lines are reported as `unavailable`.
 */
import { SHIPPING_OPTIONS } from "@agora/orders";
import { checkoutRedis } from "../checkout/checkout-redis.ts";
import type { TRPCContext } from "../trpc.ts";
import { cartOf } from "./cart-owner.ts";
import { readLines, type CartLine } from "./cart-store.ts";
import type { CartGroupView, CartItemView, CartProblem, CartView } from "./cart.schema.ts";
import { shardUnanswered, vendorProducts, type VendorProducts } from "./vendor-products.ts";

export const EMPTY_CART: CartView = { count: 0, totalCents: 0, groups: [] };

export function problemOf(
  product: { active: boolean; available: number } | undefined,
  quantity: number,
): CartProblem | null {
  if (!product || !product.active) return "unavailable";
  if (product.available <= 0) return "out_of_stock";
  if (product.available < quantity) return "insufficient_stock";
  return null;
}

/**
 * What one line can buy now: the product's own stock and price, or its variant's. A variant line
 * whose variant is gone (or belongs to another product) is unavailable.
 */
function lineNow(l: CartLine, now: VendorProducts | null) {
  const p = now?.products.get(l.productId);
  if (!p || !l.variantId)
    return { product: p, variantTitle: null, priceCents: p?.priceCents, available: p?.available };
  const v = now?.variants.get(l.variantId);
  if (!v || v.productId !== l.productId)
    return { product: undefined, variantTitle: null, priceCents: undefined, available: 0 };
  return { product: p, variantTitle: v.title, priceCents: v.priceCents, available: v.available };
}

/** Pure: one vendor's group from its stored lines and what its shard says now (null: no answer). */
export function groupView(
  vendorId: string,
  lines: CartLine[],
  now: VendorProducts | null,
): CartGroupView {
  const items: CartItemView[] = lines.map((l) => {
    const n = lineNow(l, now);
    const p = n.product;
    const unitPriceCents = n.priceCents ?? l.seenPriceCents;
    return {
      productId: l.productId,
      variantId: l.variantId ?? null,
      vendorId,
      title: p?.title ?? l.title,
      variantTitle: n.variantTitle,
      imageUrl: p?.imageUrl ?? null,
      unitPriceCents,
      quantity: l.quantity,
      available: n.available ?? 0,
      priceChangedFromCents:
        n.priceCents !== undefined && l.seenPriceCents > 0 && n.priceCents !== l.seenPriceCents
          ? l.seenPriceCents
          : null,
      problem: problemOf(p && { active: p.active, available: n.available ?? 0 }, l.quantity),
    };
  });
  return {
    vendorId,
    vendorName: now?.vendorName ?? "",
    subtotalCents: items.reduce((s, i) => s + i.unitPriceCents * i.quantity, 0),
    shippingOptions: SHIPPING_OPTIONS.map((o) => ({ ...o })),
    items,
  };
}

export async function loadCartLines(
  ctx: Pick<TRPCContext, "session" | "cartId">,
): Promise<CartLine[]> {
  const key = await cartOf(ctx);
  return key ? readLines(checkoutRedis(), key) : [];
}

/** Groups lines per vendor and revalidates each vendor on its shard, vendors in parallel. */
export async function revalidate(lines: CartLine[]): Promise<CartView> {
  const byVendor = new Map<string, CartLine[]>();
  for (const l of lines) byVendor.set(l.vendorId, [...(byVendor.get(l.vendorId) ?? []), l]);
  const groups = await Promise.all(
    [...byVendor.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(async ([vendorId, vendorLines]) => {
        let now: VendorProducts | null;
        try {
          now = await vendorProducts(
            vendorId,
            vendorLines.map((l) => l.productId),
            vendorLines.flatMap((l) => (l.variantId ? [l.variantId] : [])),
          );
        } catch (err) {
          // One shard down (or failing over) blanks its vendor only; anything else is a bug.
          if (!shardUnanswered(err)) throw err;
          now = null;
        }
        return groupView(vendorId, vendorLines, now);
      }),
  );
  return {
    count: lines.reduce((n, l) => n + l.quantity, 0),
    totalCents: groups.reduce((s, g) => s + g.subtotalCents, 0),
    groups,
  };
}

export async function getCart(ctx: Pick<TRPCContext, "session" | "cartId">): Promise<CartView> {
  // Anonymous without a cookie (first request before the proxy set it): an empty cart, no I/O.
  if (!ctx.session && !ctx.cartId) return EMPTY_CART;
  const lines = await loadCartLines(ctx);
  if (lines.length === 0) return EMPTY_CART;
  return revalidate(lines);
}
