/** The vendor REST API (route handlers mounted by the vendor portal) and its API keys. */
export {
  listOrdersEndpoint,
  listStockEndpoint,
  listWarehousesEndpoint,
  setStockEndpoint,
} from "./rest/endpoints.ts";
export { vendorApiDocument } from "./rest/openapi.ts";
export { MAX_BODY_BYTES } from "./rest/route.ts";
export { type ApiCaller, authenticateCaller } from "./keys/authenticate.ts";
export * from "./keys/index.ts";
