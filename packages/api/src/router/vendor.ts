import { vendorProfile } from "../vendor/profile.ts";
import { createTRPCRouter, vendorProcedure } from "../trpc.ts";

/** A vendor's own tenant; the tenant always comes from the session (`ctx.tenant`). */
export const vendorRouter = createTRPCRouter({
  /** The signed-in vendor's shop: name, status and the shard that holds it. */
  profile: vendorProcedure("vendor:read").query(({ ctx }) => vendorProfile(ctx.tenant.vendorId)),
});
