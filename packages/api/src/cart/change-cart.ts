/** `cart.add`, `cart.setQuantity`, `cart.remove`: each answers with the revalidated cart. */
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { checkoutRedis } from "../checkout/checkout-redis.ts";
import type { TRPCContext } from "../trpc.ts";
import { CartMissingError, cartOf } from "./cart-owner.ts";
import { addLine, readLines, setLineQuantity, type CartKey } from "./cart-store.ts";
import type { addToCartInput, setQuantityInput, removeFromCartInput } from "./cart.schema.ts";
import type { CartView } from "./cart.schema.ts";
import { getCart } from "./get-cart.ts";
import { vendorProducts } from "./vendor-products.ts";

type Ctx = Pick<TRPCContext, "session" | "cartId">;

export class ProductNotInCartError extends Error {
  readonly code = "NOT_IN_CART";
  constructor(productId: string) {
    super(`product ${productId} is not in the cart`);
    this.name = "ProductNotInCartError";
  }
}

export class ProductNotBuyableError extends Error {
  readonly code = "PRODUCT_UNAVAILABLE";
  constructor(productId: string) {
    super(`product ${productId} does not exist for this vendor or is not for sale`);
    this.name = "ProductNotBuyableError";
  }
}

async function requireCart(ctx: Ctx): Promise<CartKey> {
  const key = await cartOf(ctx);
  if (!key) {
    const cause = new CartMissingError();
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  return key;
}

export async function addToCart(
  ctx: Ctx,
  input: z.output<typeof addToCartInput>,
): Promise<CartView> {
  const key = await requireCart(ctx);
  const { products } = await vendorProducts(input.vendorId, [input.productId]);
  const product = products.get(input.productId);
  if (!product?.active) {
    const cause = new ProductNotBuyableError(input.productId);
    throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  }
  await addLine(checkoutRedis(), key, {
    productId: input.productId,
    vendorId: input.vendorId,
    quantity: input.quantity,
    seenPriceCents: product.priceCents,
    title: product.title,
  });
  return getCart(ctx);
}

export async function setCartQuantity(
  ctx: Ctx,
  input: z.output<typeof setQuantityInput>,
): Promise<CartView> {
  const key = await requireCart(ctx);
  // Changing the quantity is the shopper acting on what they now see: take the current price as
  // the new reference, so an acknowledged price change stops being reported.
  const line = (await readLines(checkoutRedis(), key)).find((l) => l.productId === input.productId);
  if (!line) {
    const cause = new ProductNotInCartError(input.productId);
    throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  }
  let price: number | undefined;
  if (input.quantity > 0) {
    const { products } = await vendorProducts(line.vendorId, [line.productId]);
    price = products.get(line.productId)?.priceCents;
  }
  const changed = await setLineQuantity(
    checkoutRedis(),
    key,
    input.productId,
    input.quantity,
    price,
  );
  if (!changed) {
    const cause = new ProductNotInCartError(input.productId);
    throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  }
  return getCart(ctx);
}

export async function removeFromCart(
  ctx: Ctx,
  input: z.output<typeof removeFromCartInput>,
): Promise<CartView> {
  const key = await requireCart(ctx);
  // Removing what is not there is already the wanted outcome.
  await setLineQuantity(checkoutRedis(), key, input.productId, 0);
  return getCart(ctx);
}
