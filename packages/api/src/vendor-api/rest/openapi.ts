/** The vendor REST API's OpenAPI 3.1 document, generated from the same zod schemas that validate it. */
import { z } from "zod";
import { createDocument } from "zod-openapi";
import { API_SCOPES } from "../keys/scopes.ts";
import {
  errorBody,
  idempotencyKeyHeader,
  listOrdersQuery,
  listStockQuery,
  orderPage,
  setStockBody,
  skuParams,
  stockLevel,
  stockPage,
  warehouseList,
} from "./schemas.ts";

const json = <T>(schema: T) => ({ "application/json": { schema } });
const err = (description: string) => ({ description, content: json(errorBody) });
const common = {
  401: err("No, an unknown, a revoked or an expired credential."),
  403: err("The credential lacks the endpoint's scope."),
  422: err("Invalid path, query or body; `details.issues` lists each problem."),
  429: err("Over the key's requests per minute; see Retry-After."),
};

let cached: ReturnType<typeof createDocument> | null = null;

export function vendorApiDocument(serverUrl = "/"): ReturnType<typeof createDocument> {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Agora vendor API",
      version: "1.0.0",
      description:
        "A shop's stock and orders for its own systems. Authenticate with `Authorization: Bearer <key>` " +
        "(a key created under Settings → API keys) or with an access token the identity provider issued " +
        "to that key (client_credentials). Each key has its own requests-per-minute limit.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `An API key; scopes: ${API_SCOPES.join(", ")}.`,
        },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/warehouses": {
        get: {
          summary: "Your warehouses (scope stock:read)",
          responses: {
            200: { description: "Every warehouse", content: json(warehouseList) },
            ...common,
          },
        },
      },
      "/api/v1/stock": {
        get: {
          summary: "Stock of one warehouse, per SKU (scope stock:read)",
          requestParams: { query: listStockQuery },
          responses: {
            200: { description: "A page of stock lines", content: json(stockPage) },
            ...common,
          },
        },
      },
      "/api/v1/stock/{sku}": {
        put: {
          summary: "Set a SKU's on-hand count in a warehouse (scope stock:write)",
          requestParams: {
            path: skuParams,
            header: z.object({ "idempotency-key": idempotencyKeyHeader }),
          },
          requestBody: { content: json(setStockBody) },
          responses: {
            200: {
              description: "The line after the change (or the first answer, replayed)",
              content: json(stockLevel),
            },
            404: err("No such SKU or warehouse in your shop."),
            409: err(
              "Below the reserved units, an ambiguous SKU, or the same key still in progress.",
            ),
            ...common,
          },
        },
      },
      "/api/v1/orders": {
        get: {
          summary: "Your parcels of paid orders, newest first (scope orders:read)",
          requestParams: { query: listOrdersQuery },
          responses: {
            200: { description: "A page of orders", content: json(orderPage) },
            ...common,
          },
        },
      },
    },
  });
  return cached;
}
