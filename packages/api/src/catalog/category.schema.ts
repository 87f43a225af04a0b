import { z } from "zod";
import { CATEGORY_SORTS } from "./cursor.ts";

export const categoryInput = z.object({
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .max(80),
  cursor: z.string().max(1000).nullish(),
  sort: z.enum(CATEGORY_SORTS).default("name"),
  limit: z.number().int().min(1).max(96).default(24),
});
export type CategoryInput = z.infer<typeof categoryInput>;
