import { loadAuthEnv, loadWebEnv } from "@agora/api/env";
import { APP } from "./auth/config.ts";

/**
 * Validated once at start-up (see instrumentation.ts): every concern this server reads, so a
 * missing variable stops it with a message naming it. Import `env` instead of reading process.env.
 */
export const env = loadWebEnv("storefront");

export const authEnv = loadAuthEnv(APP);
console.log(`[auth] ${APP}: NEXTAUTH_URL=${authEnv.url}, secret from ${authEnv.secretSource}`);
console.log(`[media] storefront: AGORA_CDN_URL=${env.cdn.AGORA_CDN_URL}`);
