/**
 * What the identity provider shares with the vendor REST API, without the API's endpoints: the key
 * format, the scopes and the token audience (`@agora/api/vendor-api-keys`).
 */
export { generateKey, hashKey, keyMatches, prefixOf } from "./key-format.ts";
export { API_SCOPES, type ApiScope, scopesOf, VENDOR_API_AUDIENCE } from "./scopes.ts";
