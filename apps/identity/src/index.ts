/** Agora's OpenID Connect provider: the server, for the process entry and for tests. */
export { createIdentityServer, type IdentityServer, type IdentityServerOptions } from "./server.ts";
export { ACCESS_TOKEN_TTL_S } from "./provider.ts";
export { currentKeySet, RETIRED_KEY_GRACE_MS, SIGNING_ALG } from "./signing-keys.ts";
