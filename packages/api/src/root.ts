import type { AuthApp } from "@agora/auth";
import { authRouter } from "./router/auth.ts";
import { cartRouter } from "./router/cart.ts";
import { checkoutRouter } from "./router/checkout.ts";
import { ordersRouter } from "./router/orders.ts";
import { catalogRouter } from "./router/catalog.ts";
import { healthRouter } from "./router/health.ts";
import { notificationsRouter } from "./router/notifications.ts";
import { opsRouter } from "./router/ops.ts";
import { privacyRouter } from "./router/privacy.ts";
import { recommendationsRouter } from "./router/recommendations.ts";
import { reviewsRouter } from "./router/reviews.ts";
import { searchRouter } from "./router/search.ts";
import { vendorRouter } from "./router/vendor.ts";
import { invitationsRouter } from "./router/vendor-staff.ts";
import { createTRPCRouter } from "./trpc.ts";

/**
 * What each app serves (ARCHITECTURE §8): the API package is shared code, not a shared endpoint.
 * A procedure an app does not mount answers 404 there, whatever the caller's session holds.
 */
const storefrontProcedures = {
  health: healthRouter,
  catalog: catalogRouter,
  auth: authRouter,
  search: searchRouter,
  reviews: reviewsRouter,
  recommendations: recommendationsRouter,
  cart: cartRouter,
  checkout: checkoutRouter,
  orders: ordersRouter,
  notifications: notificationsRouter,
  privacy: privacyRouter,
};
const vendorPortalProcedures = {
  health: healthRouter,
  catalog: catalogRouter,
  vendor: vendorRouter,
  invitations: invitationsRouter,
  notifications: notificationsRouter,
};
const opsConsoleProcedures = { health: healthRouter, ops: opsRouter };

export const storefrontRouter = createTRPCRouter(storefrontProcedures);
export const vendorPortalRouter = createTRPCRouter(vendorPortalProcedures);
export const opsConsoleRouter = createTRPCRouter(opsConsoleProcedures);

export const APP_ROUTERS = {
  storefront: storefrontRouter,
  "vendor-portal": vendorPortalRouter,
  "ops-console": opsConsoleRouter,
} as const satisfies Record<AuthApp, unknown>;

/**
 * Every procedure of every app, for in-process callers (tests, the authorization matrix, workers'
 * integration tests). Never mounted on an HTTP endpoint.
 */
export const appRouter = createTRPCRouter({
  ...storefrontProcedures,
  ...vendorPortalProcedures,
  ...opsConsoleProcedures,
});

export type AppRouter = typeof appRouter;
export type StorefrontRouter = typeof storefrontRouter;
export type VendorPortalRouter = typeof vendorPortalRouter;
export type OpsConsoleRouter = typeof opsConsoleRouter;
