/**
 * Whose cart a request means: a signed-in user's (by user id) or a guest's (by the `agora_cart`
 * cookie). The first signed-in request that still carries a guest cookie merges the guest cart
 * into the user's, atomically; later requests find the guest cart gone and merge nothing.
 */
import type { TRPCContext } from "../trpc.ts";
import { checkoutRedis } from "../checkout/checkout-redis.ts";
import { guestCartKey, mergeCarts, userCartKey, type CartKey } from "./cart-store.ts";

export class CartMissingError extends Error {
  readonly code = "CART_MISSING";
  constructor() {
    super("no cart: the request has neither a session nor an agora_cart cookie");
    this.name = "CartMissingError";
  }
}

/** The cart key of the caller, or null for an anonymous request without a cart cookie. */
export async function cartOf(
  ctx: Pick<TRPCContext, "session" | "cartId">,
): Promise<CartKey | null> {
  if (ctx.session) {
    const user = userCartKey(ctx.session.userId);
    if (ctx.cartId) await mergeCarts(checkoutRedis(), guestCartKey(ctx.cartId), user);
    return user;
  }
  return ctx.cartId ? guestCartKey(ctx.cartId) : null;
}
