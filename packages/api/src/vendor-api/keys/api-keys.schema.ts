/** zod inputs of `vendor.apiKeys.*` and the views they return. */
import { z } from "zod";
import { apiScope, type ApiScope } from "./scopes.ts";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "name the key").max(80),
  scopes: z
    .array(apiScope)
    .min(1, "pick at least one scope")
    .max(3)
    .transform((s) => [...new Set(s)]),
  /** Requests per minute; the REST API answers 429 with Retry-After above it. */
  rateLimitPerMinute: z.number().int().min(1).max(6_000).default(120),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export const revokeApiKeyInput = z.object({ keyId: z.uuid() });

export interface ApiKeyView {
  id: string;
  name: string;
  /** `agk_<prefix>_…`: enough to recognise the key, useless to call the API with. */
  prefix: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
