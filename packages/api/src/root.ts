import { authRouter } from "./router/auth.ts";
import { cartRouter } from "./router/cart.ts";
import { checkoutRouter } from "./router/checkout.ts";
import { ordersRouter } from "./router/orders.ts";
import { catalogRouter } from "./router/catalog.ts";
import { healthRouter } from "./router/health.ts";
import { notificationsRouter } from "./router/notifications.ts";
import { opsRouter } from "./router/ops.ts";
import { recommendationsRouter } from "./router/recommendations.ts";
import { reviewsRouter } from "./router/reviews.ts";
import { searchRouter } from "./router/search.ts";
import { vendorRouter } from "./router/vendor.ts";
import { invitationsRouter } from "./router/vendor-staff.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  catalog: catalogRouter,
  ops: opsRouter,
  auth: authRouter,
  vendor: vendorRouter,
  invitations: invitationsRouter,
  notifications: notificationsRouter,
  search: searchRouter,
  reviews: reviewsRouter,
  recommendations: recommendationsRouter,
  cart: cartRouter,
  checkout: checkoutRouter,
  orders: ordersRouter,
});

export type AppRouter = typeof appRouter;
