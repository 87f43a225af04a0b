import { addToCartInput, removeFromCartInput, setQuantityInput } from "../cart/cart.schema.ts";
import { addToCart, removeFromCart, setCartQuantity } from "../cart/change-cart.ts";
import { getCart } from "../cart/get-cart.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

/**
 * The shopping cart. Public: guests have carts too (keyed by the `agora_cart` cookie); a signed-in
 * caller's cart is keyed by user id, and a guest cart merges into it on the first such request.
 */
export const cartRouter = createTRPCRouter({
  /** Lines per vendor, revalidated against the shards (price changes, stock problems). */
  get: publicProcedure.query(({ ctx }) => getCart(ctx)),
  add: publicProcedure.input(addToCartInput).mutation(({ ctx, input }) => addToCart(ctx, input)),
  /** Quantity 0 removes the line. */
  setQuantity: publicProcedure
    .input(setQuantityInput)
    .mutation(({ ctx, input }) => setCartQuantity(ctx, input)),
  remove: publicProcedure
    .input(removeFromCartInput)
    .mutation(({ ctx, input }) => removeFromCart(ctx, input)),
});
