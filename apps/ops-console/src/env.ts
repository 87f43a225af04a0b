import { loadAuthEnv, loadWebEnv } from "@agora/api/env";
import { APP } from "./auth/config.ts";

/**
 * Validated once at start-up (see instrumentation.ts): every concern this server reads, so a
 * missing variable stops it with a message naming it. Import `env` instead of reading process.env.
 */
export const env = loadWebEnv("ops-console");

export const authEnv = loadAuthEnv(APP);
console.log(`[auth] ${APP}: NEXTAUTH_URL=${authEnv.url}, secret from ${authEnv.secretSource}`);
