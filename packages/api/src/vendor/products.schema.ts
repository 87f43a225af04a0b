/** zod inputs of the vendor's product procedures (router: ../router/vendor.ts). */
import { z } from "zod";

const sku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "SKU may use letters, digits, . _ -");

export const variantInput = z.object({
  /** Present for an existing variant; omitted for a new one. */
  id: z.uuid().optional(),
  sku,
  title: z.string().trim().min(1).max(120),
  size: z.string().trim().max(40).nullable().default(null),
  colour: z.string().trim().max(40).nullable().default(null),
  /** Null: the product's price applies. */
  priceCents: z.number().int().min(0).max(100_000_000).nullable().default(null),
});

export const productFields = z.object({
  sku: sku.nullable().default(null),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).default(""),
  categorySlug: z.string().trim().min(1),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("EUR"),
  status: z.enum(["draft", "active"]).default("active"),
  variants: z.array(variantInput).max(100).default([]),
});
export type ProductFields = z.infer<typeof productFields>;

export const createProductInput = productFields;

export const updateProductInput = productFields.extend({
  productId: z.uuid(),
  /** The version the editor loaded; a save based on an older one is refused with CONFLICT. */
  expectedVersion: z.number().int().positive(),
});
export type UpdateProductInput = z.infer<typeof updateProductInput>;

export const productIdInput = z.object({ productId: z.uuid() });

export const archiveProductInput = z.object({
  productId: z.uuid(),
  expectedVersion: z.number().int().positive(),
});

export const listProductsInput = z
  .object({
    /** Opaque keyset cursor from the previous page's `nextCursor`. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    status: z.enum(["draft", "active", "archived", "all"]).default("all"),
    /** Title or SKU contains this (case-insensitive). */
    q: z.string().trim().max(100).optional(),
  })
  .optional();
export type ListProductsInput = z.infer<typeof listProductsInput>;
