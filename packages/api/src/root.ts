import { catalogRouter } from "./router/catalog.ts";
import { healthRouter } from "./router/health.ts";
import { opsRouter } from "./router/ops.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  catalog: catalogRouter,
  ops: opsRouter,
});

export type AppRouter = typeof appRouter;
