import { z } from "zod";
import { MAX_LINE_QUANTITY } from "./cart-store.ts";

/** The variant picked (size, colour); omitted for a product sold without one. */
const variantId = z.uuid().optional();

export const addToCartInput = z.object({
  productId: z.uuid(),
  variantId,
  vendorId: z.uuid(),
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).default(1),
});

export const setQuantityInput = z.object({
  productId: z.uuid(),
  variantId,
  /** 0 removes the line. */
  quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY),
});

export const removeFromCartInput = z.object({ productId: z.uuid(), variantId });

export type CartProblem = "out_of_stock" | "insufficient_stock" | "unavailable";

export interface CartItemView {
  productId: string;
  /** Null: the product sold without a variant. */
  variantId: string | null;
  vendorId: string;
  title: string;
  /** The variant's own name (e.g. "Red / M"), null without a variant. */
  variantTitle: string | null;
  imageUrl: string | null;
  unitPriceCents: number;
  quantity: number;
  available: number;
  /** The price the shopper saw when adding, when it has changed since. */
  priceChangedFromCents: number | null;
  problem: CartProblem | null;
}

export interface CartGroupView {
  vendorId: string;
  vendorName: string;
  subtotalCents: number;
  shippingOptions: { id: string; label: string; priceCents: number; days: number }[];
  items: CartItemView[];
}

export interface CartView {
  count: number;
  totalCents: number;
  groups: CartGroupView[];
}
