import { createApiKeyInput, revokeApiKeyInput } from "../vendor-api/keys/api-keys.schema.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../vendor-api/keys/manage-keys.ts";
import { createTRPCRouter, vendorProcedure } from "../trpc.ts";

const actor = (ctx: { session: { userId: string }; tenant: { vendorId: string } }) => ({
  userId: ctx.session.userId,
  vendorId: ctx.tenant.vendorId,
});

/**
 * `vendor.apiKeys.*`: the owner's keys for the vendor REST API (/api/v1). The key itself is in
 * `create`'s answer only; the shop keeps a prefix and a hash. Create and revoke are audited.
 */
export const vendorApiKeysRouter = createTRPCRouter({
  list: vendorProcedure("vendor:api-keys").query(({ ctx }) => listApiKeys(ctx.tenant.vendorId)),
  create: vendorProcedure("vendor:api-keys")
    .input(createApiKeyInput)
    .mutation(({ ctx, input }) => createApiKey(actor(ctx), input)),
  /** Effective on the next call of every instance; tokens issued to the key stop working too. */
  revoke: vendorProcedure("vendor:api-keys")
    .input(revokeApiKeyInput)
    .mutation(({ ctx, input }) => revokeApiKey(actor(ctx), input.keyId)),
});
