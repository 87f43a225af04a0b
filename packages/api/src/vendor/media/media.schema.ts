/** zod inputs of the product media procedures (router: ../../router/vendor.ts). */
import { z } from "zod";
import { MAX_IMAGES_PER_PRODUCT } from "./image-validation.ts";

export const productMediaInput = z.object({ productId: z.uuid() });

export const deleteMediaInput = z.object({ productId: z.uuid(), mediaId: z.uuid() });

export const reorderMediaInput = z.object({
  productId: z.uuid(),
  /** Every image of the product, in the new order; the first is the primary image. */
  mediaIds: z
    .array(z.uuid())
    .min(1)
    .max(MAX_IMAGES_PER_PRODUCT)
    .refine((ids) => new Set(ids).size === ids.length, "Each image may appear once."),
});
export type ReorderMediaInput = z.infer<typeof reorderMediaInput>;
