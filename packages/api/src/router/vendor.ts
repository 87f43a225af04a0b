import { auditLogInput, listAuditLog } from "../vendor/audit-log.ts";
import { listCategories } from "../vendor/categories.ts";
import { getImport, importIdInput, listImports } from "../vendor/imports/import-status.ts";
import { listProducts } from "../vendor/list-products.ts";
import {
  archiveProductInput,
  createProductInput,
  listProductsInput,
  productIdInput,
  updateProductInput,
} from "../vendor/products.schema.ts";
import { vendorProfile } from "../vendor/profile.ts";
import {
  archiveProduct,
  createProduct,
  getProduct,
  updateProduct,
} from "../vendor/save-product.ts";
import { vendorSettings } from "../vendor/settings.ts";
import {
  adjustStock,
  listStock,
  setLowStockThreshold,
  transferStock,
} from "../vendor/stock-levels.ts";
import {
  adjustStockInput,
  listStockInput,
  setLowStockThresholdInput,
  transferStockInput,
} from "../vendor/stock.schema.ts";
import { createWarehouse, createWarehouseInput, listWarehouses } from "../vendor/warehouses.ts";
import { createTRPCRouter, vendorProcedure } from "../trpc.ts";

/**
 * A vendor's own tenant; the tenant always comes from the session (`ctx.tenant`), and every
 * shard access runs under it (`withTenant`, row-level security). Writes are audited in core.
 */
const actor = (ctx: { session: { userId: string }; tenant: { vendorId: string } }) => ({
  userId: ctx.session.userId,
  vendorId: ctx.tenant.vendorId,
});

export const vendorRouter = createTRPCRouter({
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

  warehouses: createTRPCRouter({
    list: vendorProcedure("vendor:read").query(({ ctx }) => listWarehouses(ctx.tenant.vendorId)),
    create: vendorProcedure("vendor:stock:write")
      .input(createWarehouseInput)
      .mutation(({ ctx, input }) => createWarehouse(actor(ctx), input)),
  }),

  stock: createTRPCRouter({
    /** One warehouse's stock per product, with the low-stock flag. */
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

  /** Privileged actions in this tenant, newest first (owner only). */
  auditLog: vendorProcedure("vendor:audit:read")
    .input(auditLogInput)
    .query(({ ctx, input }) => listAuditLog(ctx.tenant.vendorId, input)),

  settings: createTRPCRouter({
    get: vendorProcedure("vendor:settings").query(({ ctx }) => vendorSettings(ctx.tenant.vendorId)),
  }),
});
