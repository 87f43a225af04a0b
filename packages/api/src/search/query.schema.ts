import { z } from "zod";

/** A price in cents as `price_cents` (Postgres `int`) can hold it; beyond is a BAD_REQUEST. */
const priceCents = z.number().int().min(0).max(2_147_483_647);

export const SEARCH_SORTS = ["relevance", "price_asc", "price_desc", "name"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const searchInput = z.object({
  q: z.string().trim().max(200).default(""),
  category: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .max(80)
    .optional(),
  vendorIds: z.array(z.uuid()).max(50).optional(),
  priceMin: priceCents.optional(),
  priceMax: priceCents.optional(),
  inStock: z.boolean().optional(),
  sort: z.enum(SEARCH_SORTS).default("relevance"),
  cursor: z.string().max(1000).nullish(),
  limit: z.number().int().min(1).max(96).default(24),
});
export type SearchInput = z.infer<typeof searchInput>;

export const suggestInput = z.object({ q: z.string().trim().min(1).max(100) });
