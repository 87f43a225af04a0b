import { getOrder, listOrders } from "../orders/get-order.ts";
import { getOrderInput } from "../orders/orders.schema.ts";
import { createTRPCRouter, permissionProcedure } from "../trpc.ts";

/** A shopper's own orders (read-your-writes after a placement). */
export const ordersRouter = createTRPCRouter({
  list: permissionProcedure("orders:read:own").query(({ ctx }) => listOrders(ctx.session.userId)),
  /** Timeline, failure + compensations, per-vendor sub-order status; another user's → NOT_FOUND. */
  get: permissionProcedure("orders:read:own")
    .input(getOrderInput)
    .query(({ ctx, input }) => getOrder(ctx.session.userId, input.orderId, input.minVersion)),
});
