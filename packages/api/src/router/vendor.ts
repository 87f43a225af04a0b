import { vendorAnalyticsRouter } from "./analytics.ts";
import { auditLogInput, listAuditLog } from "../vendor/audit-log.ts";
import { listCategories } from "../vendor/categories.ts";
import { getImport, importIdInput, listImports } from "../vendor/imports/import-status.ts";
import { listProducts } from "../vendor/list-products.ts";
import {
  deleteMediaInput,
  productMediaInput,
  reorderMediaInput,
} from "../vendor/media/media.schema.ts";
import {
  deleteProductMedia,
  listProductMedia,
  reorderProductMedia,
} from "../vendor/media/product-media.ts";
import {
  archiveProductInput,
  createProductInput,
  listProductsInput,
  productIdInput,
  updateProductInput,
} from "../vendor/products.schema.ts";
import { listPayouts } from "../vendor/payouts/list-payouts.ts";
import { requestPayout } from "../vendor/payouts/request-payout.ts";
import { vendorProfile } from "../vendor/profile.ts";
import {
  archiveProduct,
  createProduct,
  getProduct,
  updateProduct,
} from "../vendor/save-product.ts";
import { vendorSettings } from "../vendor/settings.ts";
import { listStock } from "../vendor/list-stock.ts";
import { adjustStock, setLowStockThreshold, transferStock } from "../vendor/stock-levels.ts";
import {
  adjustStockInput,
  listStockInput,
  setLowStockThresholdInput,
  transferStockInput,
} from "../vendor/stock.schema.ts";
import { createWarehouse, createWarehouseInput, listWarehouses } from "../vendor/warehouses.ts";
import { createTRPCRouter, vendorProcedure } from "../trpc.ts";
import { vendorNotificationSettingsRouter, vendorStaffRouter } from "./vendor-staff.ts";
import { vendorOrdersRouter } from "./vendor-orders.ts";
import { vendorApiKeysRouter } from "./vendor-api-keys.ts";

/**
 * A vendor's own tenant; the tenant always comes from the session (`ctx.tenant`), and every
 * shard access runs under it (`withTenant`, row-level security). Writes are audited in core.
 */
const actor = (ctx: { session: { userId: string }; tenant: { vendorId: string } }) => ({
  userId: ctx.session.userId,
  vendorId: ctx.tenant.vendorId,
});

export const vendorRouter = createTRPCRouter({
  /** Sales rollups, conversion, stock health and the batch reconcile status. */
  analytics: vendorAnalyticsRouter,
  /** Keys for the vendor REST API (/api/v1): create (shown once), list, revoke. */
  apiKeys: vendorApiKeysRouter,
  /** The signed-in vendor's shop: name, status and the shard that holds it. */
  profile: vendorProcedure("vendor:read").query(({ ctx }) => vendorProfile(ctx.tenant.vendorId)),
  /** Platform categories a product can be filed under. */
  categories: vendorProcedure("vendor:read").query(() => listCategories()),

  products: createTRPCRouter({
    /** Newest first, keyset-paginated; filter by status, search title/SKU. */
    list: vendorProcedure("vendor:read")
      .input(listProductsInput)
      .query(({ ctx, input }) => listProducts(ctx.tenant.vendorId, input)),
    get: vendorProcedure("vendor:read")
      .input(productIdInput)
      .query(({ ctx, input }) => getProduct(ctx.tenant.vendorId, input.productId)),
    /** Product + variants + ProductUpserted event in one shard transaction. */
    create: vendorProcedure("vendor:catalog:write")
      .input(createProductInput)
      .mutation(({ ctx, input }) => createProduct(actor(ctx), input)),
    /** Optimistic: stale `expectedVersion` → CONFLICT with the current version and changed fields. */
    update: vendorProcedure("vendor:catalog:write")
      .input(updateProductInput)
      .mutation(({ ctx, input }) => updateProduct(actor(ctx), input)),
    archive: vendorProcedure("vendor:catalog:write")
      .input(archiveProductInput)
      .mutation(({ ctx, input }) => archiveProduct(actor(ctx), input)),
  }),

  /** Product images; uploads go through the portal's /api/products/<id>/media route handler. */
  media: createTRPCRouter({
    list: vendorProcedure("vendor:read")
      .input(productMediaInput)
      .query(({ ctx, input }) => listProductMedia(ctx.tenant.vendorId, input.productId)),
    /** The first id becomes the primary image (cards, search). */
    reorder: vendorProcedure("vendor:catalog:write")
      .input(reorderMediaInput)
      .mutation(({ ctx, input }) => reorderProductMedia(actor(ctx), input)),
    /** Removes the row (new product version + event), the files, and the edge's copies. */
    delete: vendorProcedure("vendor:catalog:write")
      .input(deleteMediaInput)
      .mutation(({ ctx, input }) => deleteProductMedia(actor(ctx), input)),
  }),

  warehouses: createTRPCRouter({
    list: vendorProcedure("vendor:read").query(({ ctx }) => listWarehouses(ctx.tenant.vendorId)),
    create: vendorProcedure("vendor:stock:write")
      .input(createWarehouseInput)
      .mutation(({ ctx, input }) => createWarehouse(actor(ctx), input)),
  }),

  stock: createTRPCRouter({
    /** One warehouse's stock per product variant, with each line's low-stock flag. */
    list: vendorProcedure("vendor:read")
      .input(listStockInput)
      .query(({ ctx, input }) => listStock(ctx.tenant.vendorId, input)),
    adjust: vendorProcedure("vendor:stock:write")
      .input(adjustStockInput)
      .mutation(({ ctx, input }) => adjustStock(actor(ctx), input)),
    /** Both warehouses change in ONE shard transaction, or neither does. */
    transfer: vendorProcedure("vendor:stock:write")
      .input(transferStockInput)
      .mutation(({ ctx, input }) => transferStock(actor(ctx), input)),
    setLowStockThreshold: vendorProcedure("vendor:stock:write")
      .input(setLowStockThresholdInput)
      .mutation(({ ctx, input }) => setLowStockThreshold(actor(ctx), input)),
  }),

  /** Bulk CSV imports (uploaded through the portal's /api/imports route handler). */
  imports: createTRPCRouter({
    list: vendorProcedure("vendor:read").query(({ ctx }) => listImports(ctx.tenant.vendorId)),
    get: vendorProcedure("vendor:read")
      .input(importIdInput)
      .query(({ ctx, input }) => getImport(ctx.tenant.vendorId, input.importId)),
  }),

  /** Parcels of paid orders: accept, pack, ship, cancel, refund (see vendor-orders.ts). */
  orders: vendorOrdersRouter,

  /** Privileged actions in this tenant, newest first (owner only). */
  auditLog: vendorProcedure("vendor:audit:read")
    .input(auditLogInput)
    .query(({ ctx, input }) => listAuditLog(ctx.tenant.vendorId, input)),

  staff: vendorStaffRouter,
  notificationSettings: vendorNotificationSettingsRouter,

  /** Money paid out to the shop (two-phase commit across the core ledger and the shop's shard). */
  payouts: createTRPCRouter({
    /** Payable balance per currency and the payout history (owner only). */
    list: vendorProcedure("vendor:payouts").query(({ ctx }) => listPayouts(ctx.tenant.vendorId)),
    /** Queues a settlement now; at most one payout per period is ever made. */
    requestNow: vendorProcedure("vendor:payouts").mutation(({ ctx }) => requestPayout(actor(ctx))),
  }),

  settings: createTRPCRouter({
    get: vendorProcedure("vendor:settings").query(({ ctx }) => vendorSettings(ctx.tenant.vendorId)),
  }),
});
