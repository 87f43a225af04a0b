import { salesPerMinute } from "../analytics/live-sales.ts";
import {
  periodInput,
  revenueSeriesInput,
  stockHealthInput,
  topProductsInput,
} from "../analytics/analytics.schema.ts";
import {
  lastReconcileForVendor,
  recentReconcileRuns,
  recentRunsInput,
} from "../analytics/reconcile-runs.ts";
import { revenueSeries, salesKpis, topProducts } from "../analytics/sales-reads.ts";
import { requestReconcile, runReconcileInput } from "../analytics/reconcile-request.ts";
import { stockHealth } from "../analytics/stock-health.ts";
import { createTRPCRouter, permissionProcedure, vendorProcedure } from "../trpc.ts";

/**
 * `vendor.analytics.*`: the signed-in vendor's sales analytics (tenant from the session). Sales
 * come from the stream-kept rollups in core, stock health from the vendor's shard.
 */
export const vendorAnalyticsRouter = createTRPCRouter({
  /** Revenue, refunds, orders, units and views per hour or day bucket, empty buckets as zeros. */
  revenue: vendorProcedure("vendor:analytics:read")
    .input(revenueSeriesInput)
    .query(({ ctx, input }) => revenueSeries(ctx.tenant.vendorId, input)),
  /** Totals of the last N days and conversion (orders per product page view). */
  kpis: vendorProcedure("vendor:analytics:read")
    .input(periodInput)
    .query(({ ctx, input }) => salesKpis(ctx.tenant.vendorId, input)),
  topProducts: vendorProcedure("vendor:analytics:read")
    .input(topProductsInput)
    .query(({ ctx, input }) => topProducts(ctx.tenant.vendorId, input)),
  /** Per product: available units against the low-stock threshold, worst first. */
  stockHealth: vendorProcedure("vendor:analytics:read")
    .input(stockHealthInput)
    .query(({ ctx, input }) => stockHealth(ctx.tenant.vendorId, input)),
  /** The newest batch reconcile run and the differences it found in this vendor's numbers. */
  lastReconcile: vendorProcedure("vendor:analytics:read").query(({ ctx }) =>
    lastReconcileForVendor(ctx.tenant.vendorId),
  ),
});

/** `ops.analytics.*`: reconcile runs across all vendors. */
export const opsAnalyticsRouter = createTRPCRouter({
  /** Captures and revenue per minute over the last hour, platform-wide (the live sales card). */
  salesPerMinute: permissionProcedure("ops:read").query(() => salesPerMinute(60)),
  reconcileRuns: permissionProcedure("ops:read")
    .input(recentRunsInput)
    .query(({ input }) => recentReconcileRuns(input)),
  /** Runs the batch now over the last `days` days (audited); its run appears in reconcileRuns. */
  runReconcile: permissionProcedure("ops:queues")
    .input(runReconcileInput)
    .mutation(({ ctx, input }) => requestReconcile(ctx.session.userId, input)),
});
