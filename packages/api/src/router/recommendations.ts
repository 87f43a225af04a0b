import { alsoBought, alsoBoughtInput } from "../recommendations/also-bought.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const recommendationsRouter = createTRPCRouter({
  /** Products bought in the same orders as this one (co-occurrence), cached. */
  alsoBought: publicProcedure
    .input(alsoBoughtInput)
    .query(({ input }) => alsoBought(input.productId)),
});
