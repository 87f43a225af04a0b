import { searchInput, suggestInput } from "../search/query.schema.ts";
import { searchCatalog } from "../search/query.ts";
import { suggest } from "../search/suggest.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const searchRouter = createTRPCRouter({
  /** Full text + typo-tolerant search with disjunctive facets and read-model freshness. */
  query: publicProcedure.input(searchInput).query(({ input }) => searchCatalog(input)),
  /** Instant suggestions while typing (prefix + trigram), cached. */
  suggest: publicProcedure.input(suggestInput).query(({ input }) => suggest(input.q)),
});
