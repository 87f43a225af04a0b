import {
  acceptVendorOrder,
  cancelVendorOrder,
  packVendorOrder,
  refundVendorOrder,
  shipVendorOrder,
} from "../vendor/orders/fulfil-order.ts";
import {
  cancelVendorOrderInput,
  fulfilActionInput,
  listVendorOrdersInput,
  refundVendorOrderInput,
  vendorOrderIdInput,
} from "../vendor/orders/orders.schema.ts";
import { getVendorOrder, listVendorOrders } from "../vendor/orders/read-vendor-orders.ts";
import { createTRPCRouter, vendorProcedure } from "../trpc.ts";

const actor = (ctx: { session: { userId: string }; tenant: { vendorId: string } }) => ({
  userId: ctx.session.userId,
  vendorId: ctx.tenant.vendorId,
});

/**
 * `vendor.orders.*`: the tenant's parcels of paid orders. Staff fulfil (accept, pack, ship);
 * money leaves only by the owner's hand (cancel refunds the whole share, refund a part of it:
 * `vendor:orders:refund`), and both are audited.
 */
export const vendorOrdersRouter = createTRPCRouter({
  /** Newest first, keyset-paginated, optionally one fulfilment status. */
  list: vendorProcedure("vendor:orders:read")
    .input(listVendorOrdersInput)
    .query(({ ctx, input }) => listVendorOrders(ctx.tenant.vendorId, input)),
  /** Lines, address, parcel (tracking, refunds) and this vendor's timeline; another shop's → NOT_FOUND. */
  get: vendorProcedure("vendor:orders:read")
    .input(vendorOrderIdInput)
    .query(({ ctx, input }) => getVendorOrder(ctx.tenant.vendorId, input.orderId)),
  accept: vendorProcedure("vendor:orders:fulfil")
    .input(fulfilActionInput)
    .mutation(({ ctx, input }) => acceptVendorOrder(actor(ctx), input)),
  pack: vendorProcedure("vendor:orders:fulfil")
    .input(fulfilActionInput)
    .mutation(({ ctx, input }) => packVendorOrder(actor(ctx), input)),
  /** Carrier shipment first (idempotent per parcel), then ShipmentCreated; outage → SERVICE_UNAVAILABLE. */
  ship: vendorProcedure("vendor:orders:fulfil")
    .input(fulfilActionInput)
    .mutation(({ ctx, input }) => shipVendorOrder(actor(ctx), input)),
  /** Before shipping only: refund of the whole remaining share + restock, run by the payments pool. */
  cancel: vendorProcedure("vendor:orders:refund")
    .input(cancelVendorOrderInput)
    .mutation(({ ctx, input }) => cancelVendorOrder(actor(ctx), input)),
  /** Partial refund, at most what is left of this vendor's share (shipping included). */
  refund: vendorProcedure("vendor:orders:refund")
    .input(refundVendorOrderInput)
    .mutation(({ ctx, input }) => refundVendorOrder(actor(ctx), input)),
});
