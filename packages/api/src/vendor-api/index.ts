/** The vendor REST API (route handlers mounted by the vendor portal) and its API keys. */
export {
  listOrdersEndpoint,
  listStockEndpoint,
  listWarehousesEndpoint,
  setStockEndpoint,
} from "./rest/endpoints.ts";
export { vendorApiDocument } from "./rest/openapi.ts";
export { MAX_BODY_BYTES } from "./rest/route.ts";
export { type ApiCaller, authenticateCaller, VENDOR_API_AUDIENCE } from "./keys/authenticate.ts";
export { generateKey, hashKey, keyMatches, prefixOf } from "./keys/key-format.ts";
export { API_SCOPES, type ApiScope } from "./keys/scopes.ts";
