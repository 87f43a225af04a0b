/** `cart.add`, `cart.setQuantity`, `cart.remove`: each answers with the revalidated cart. */
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { checkoutRedis } from "../checkout/checkout-redis.ts";
import type { TRPCContext } from "../trpc.ts";
import { CartMissingError, cartOf } from "./cart-owner.ts";
import { addLine, lineKey, readLines, setLineQuantity, type CartKey } from "./cart-store.ts";
import type { addToCartInput, setQuantityInput, removeFromCartInput } from "./cart.schema.ts";
import type { CartView } from "./cart.schema.ts";
import { getCart } from "./get-cart.ts";
import { outsideCoreRegion } from "../regions/region-settings.ts";
import { vendorProductsFromCatalogCopy } from "./catalog-copy.ts";
import { shardUnanswered, vendorProducts, type VendorProducts } from "./vendor-products.ts";

type Ctx = Pick<TRPCContext, "session" | "cartId">;

const named = (productId: string, variantId?: string) =>
  variantId ? `variant ${variantId} of product ${productId}` : `product ${productId}`;

export class ProductNotInCartError extends Error {
  readonly code = "NOT_IN_CART";
  constructor(productId: string, variantId?: string) {
    super(`${named(productId, variantId)} is not in the cart`);
    this.name = "ProductNotInCartError";
  }
}

export class ProductNotBuyableError extends Error {
  readonly code = "PRODUCT_UNAVAILABLE";
  constructor(productId: string, variantId?: string) {
    super(`${named(productId, variantId)} does not exist for this vendor or is not for sale`);
    this.name = "ProductNotBuyableError";
  }
}

/** The product keeps its stock per variant, and the shopper did not pick one. */
export class VariantRequiredError extends Error {
  readonly code = "VARIANT_REQUIRED";
  constructor(productId: string) {
    super(`product ${productId} is sold per variant: pick a size or colour`);
    this.name = "VariantRequiredError";
  }
}

/** The vendor's shard; outside the core region, the local catalog copy while the shard is out of reach. */
async function productsToAdd(vendorId: string, productId: string, variantId?: string): Promise<VendorProducts> {
  const variantIds = variantId ? [variantId] : [];
  try {
    return await vendorProducts(vendorId, [productId], variantIds);
  } catch (err) {
    if (!outsideCoreRegion() || !shardUnanswered(err)) throw err;
    return vendorProductsFromCatalogCopy(vendorId, productId, variantIds);
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
  const { variantId } = input;
  const now = await productsToAdd(input.vendorId, input.productId, variantId);
  const product = now.products.get(input.productId);
  const variant = variantId ? now.variants.get(variantId) : undefined;
  if (!product?.active || (variantId && !variant)) {
    const cause = new ProductNotBuyableError(input.productId, variantId);
    throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  }
  if (!variant && product.stockByVariant) {
    const cause = new VariantRequiredError(input.productId);
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  await addLine(checkoutRedis(), key, {
    productId: input.productId,
    ...(variant ? { variantId: variant.variantId } : {}),
    vendorId: input.vendorId,
    quantity: input.quantity,
    seenPriceCents: variant?.priceCents ?? product.priceCents,
    // Kept for rendering the line while the vendor's shard cannot answer.
    title: variant?.title ? `${product.title} · ${variant.title}` : product.title,
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
  const wanted = lineKey(input);
  const line = (await readLines(checkoutRedis(), key)).find((l) => lineKey(l) === wanted);
  if (!line) {
    const cause = new ProductNotInCartError(input.productId, input.variantId);
    throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  }
  let price: number | undefined;
  if (input.quantity > 0) {
    const now = await vendorProducts(
      line.vendorId,
      [line.productId],
      line.variantId ? [line.variantId] : [],
    );
    price = line.variantId
      ? now.variants.get(line.variantId)?.priceCents
      : now.products.get(line.productId)?.priceCents;
  }
  const changed = await setLineQuantity(checkoutRedis(), key, line, input.quantity, price);
  if (!changed) {
    const cause = new ProductNotInCartError(input.productId, input.variantId);
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
  await setLineQuantity(checkoutRedis(), key, input, 0);
  return getCart(ctx);
}
