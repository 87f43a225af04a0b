/**
 * The vendor REST API's endpoints (mounted by the vendor portal under /api/v1). Each one reuses the
 * portal's own domain functions, under the caller's tenant (`withTenant`, row-level security).
 */
import { listVendorOrders } from "../../vendor/orders/read-vendor-orders.ts";
import { listStock } from "../../vendor/list-stock.ts";
import { setOnHandBySku } from "../../vendor/stock-levels.ts";
import { listWarehouses } from "../../vendor/warehouses.ts";
import { ApiError } from "./api-error.ts";
import {
  idempotencyKeyHeader,
  listOrdersQuery,
  listStockQuery,
  setStockBody,
  skuParams,
} from "./schemas.ts";
import { idempotent, requestHash } from "./idempotency.ts";
import { vendorApiEndpoint } from "./route.ts";

/** GET /api/v1/warehouses */
export const listWarehousesEndpoint = vendorApiEndpoint({
  scope: "stock:read",
  async handle({ caller }) {
    const rows = await listWarehouses(caller.vendorId);
    return { body: { items: rows.map(({ id, code, name, city }) => ({ id, code, name, city })) } };
  },
});

/** GET /api/v1/stock?warehouseId=… */
export const listStockEndpoint = vendorApiEndpoint({
  scope: "stock:read",
  query: listStockQuery,
  async handle({ caller, query }) {
    // Another shop's warehouse id is a 404 like an unknown one (RLS would show it as empty).
    const own = await listWarehouses(caller.vendorId);
    if (!own.some((w) => w.id === query.warehouseId))
      throw new ApiError("NOT_FOUND", "No such warehouse in your shop.");
    const page = await listStock(caller.vendorId, query);
    return {
      body: {
        items: page.items.map((r) => ({
          sku: r.variantId ? r.variantSku : r.sku,
          productId: r.productId,
          variantId: r.variantId,
          title: r.title,
          variantTitle: r.variantTitle,
          warehouseId: r.warehouseId,
          onHand: r.onHand,
          reserved: r.reserved,
          available: r.available,
          lowStockThreshold: r.lowStockThreshold,
          low: r.low,
          version: r.version,
        })),
        nextCursor: page.nextCursor,
      },
    };
  },
});

/** PUT /api/v1/stock/{sku} with `Idempotency-Key`: sets on-hand in one warehouse. */
export const setStockEndpoint = vendorApiEndpoint({
  scope: "stock:write",
  params: skuParams,
  body: setStockBody,
  async handle({ caller, params, body, headers, method, path }) {
    const key = idempotencyKeyHeader.safeParse(headers.get("idempotency-key"));
    if (!key.success)
      throw new ApiError(
        "INVALID_REQUEST",
        "Send an Idempotency-Key header (8–128 printable characters) with every change.",
      );
    const answer = await idempotent(
      `vendor-api:${caller.vendorId}`,
      key.data,
      requestHash([method, path, body]),
      async () => {
        const level = await setOnHandBySku(
          { userId: caller.createdBy ?? "", vendorId: caller.vendorId },
          {
            warehouseId: body.warehouseId,
            sku: params.sku,
            onHand: body.onHand,
            reference: body.note ? `api: ${body.note}` : "api",
            auditDetails: { apiKeyId: caller.keyId, via: caller.via, idempotencyKey: key.data },
          },
        );
        return { status: 200, body: { sku: params.sku, ...level } };
      },
    );
    return {
      status: answer.status,
      body: answer.body,
      headers: { "idempotent-replayed": String(answer.replayed) },
    };
  },
});

/** GET /api/v1/orders */
export const listOrdersEndpoint = vendorApiEndpoint({
  scope: "orders:read",
  query: listOrdersQuery,
  async handle({ caller, query }) {
    const page = await listVendorOrders(caller.vendorId, query);
    return { body: page };
  },
});
