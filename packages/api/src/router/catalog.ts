import { catalogOverview, catalogOverviewInput } from "../catalog/overview.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const catalogRouter = createTRPCRouter({
  /** Vendors with their shard and product counts, plus the category tree: the shop's front page. */
  overview: publicProcedure
    .input(catalogOverviewInput)
    .query(({ input }) => catalogOverview(input)),
});
