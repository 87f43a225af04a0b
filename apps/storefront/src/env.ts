import { loadAuthEnv, loadWebEnv } from "@agora/api/env";
import { APP } from "./auth/config.ts";
import { cdn } from "./media/cdn.ts";

/** Validated once at start-up (see instrumentation.ts); import `env` instead of reading process.env. */
export const env = loadWebEnv();

/** NEXTAUTH_SECRET / NEXTAUTH_URL, or defaults derived from the local topology (see README). */
export const authEnv = loadAuthEnv(APP);
console.log(`[auth] ${APP}: NEXTAUTH_URL=${authEnv.url}, secret from ${authEnv.secretSource}`);

console.log(`[media] storefront: AGORA_CDN_URL=${cdn.url} (from ${cdn.source})`);
