import { categoryInput } from "../catalog/category.schema.ts";
import { categoryPage } from "../catalog/category.ts";
import { catalogHome } from "../catalog/home.ts";
import { catalogOverview, catalogOverviewInput } from "../catalog/overview.ts";
import { productDetail, productInput } from "../catalog/product.ts";
import { productReadFault } from "../catalog/release-fault.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const catalogRouter = createTRPCRouter({
  /** Vendors with their shard and product counts, plus the category tree: the shop's front page. */
  overview: publicProcedure
    .input(catalogOverviewInput)
    .query(({ input }) => catalogOverview(input)),
  /** Categories with product counts and featured products (read model, cached). */
  home: publicProcedure.query(() => catalogHome()),
  /** One category, keyset-paginated (opaque cursor) in the chosen sort. */
  category: publicProcedure.input(categoryInput).query(({ input }) => categoryPage(input)),
  /** A product page from the vendor's shard (bounded-staleness replica read), cached. */
  product: publicProcedure.input(productInput).query(({ input }) => {
    productReadFault();
    return productDetail(input.productId);
  }),
});
