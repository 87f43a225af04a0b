import { z } from "zod";

export const listReviewsInput = z.object({ productId: z.uuid() });

export const createReviewInput = z.object({
  productId: z.uuid(),
  rating: z.number().int().min(1).max(5),
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(4000),
});
export type CreateReviewInput = z.infer<typeof createReviewInput>;
