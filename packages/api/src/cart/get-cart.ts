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

/** Pure: one vendor's group from its stored lines and what its shard says now (null: no answer). */
export function groupView(
  vendorId: string,
  lines: CartLine[],
  now: VendorProducts | null,
): CartGroupView {
  const items: CartItemView[] = lines.map((l) => {
    const p = now?.products.get(l.productId);
    const unitPriceCents = p?.priceCents ?? l.seenPriceCents;
    return {
      productId: l.productId,
      vendorId,
      title: p?.title ?? l.title,
      imageUrl: p?.imageUrl ?? null,
      unitPriceCents,
      quantity: l.quantity,
      available: p?.available ?? 0,
      priceChangedFromCents:
        p && l.seenPriceCents > 0 && p.priceCents !== l.seenPriceCents ? l.seenPriceCents : null,
      problem: problemOf(p, l.quantity),
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
