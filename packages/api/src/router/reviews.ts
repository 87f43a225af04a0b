import { createReview } from "../reviews/create-review.ts";
import { listReviews } from "../reviews/list-reviews.ts";
import { createReviewInput, listReviewsInput } from "../reviews/reviews.schema.ts";
import { createTRPCRouter, permissionProcedure, publicProcedure } from "../trpc.ts";

export const reviewsRouter = createTRPCRouter({
  /** A product's reviews, newest first, with count and average rating. */
  list: publicProcedure.input(listReviewsInput).query(({ input }) => listReviews(input.productId)),
  /** One review per shopper and product; `verifiedPurchase` from the shopper's confirmed orders. */
  create: permissionProcedure("reviews:write")
    .input(createReviewInput)
    .mutation(({ ctx, input }) => createReview(ctx.session.userId, input)),
});
