import { authRouter } from "./router/auth.ts";
import { catalogRouter } from "./router/catalog.ts";
import { healthRouter } from "./router/health.ts";
import { opsRouter } from "./router/ops.ts";
import { vendorRouter } from "./router/vendor.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  catalog: catalogRouter,
  ops: opsRouter,
  auth: authRouter,
  vendor: vendorRouter,
});

export type AppRouter = typeof appRouter;
