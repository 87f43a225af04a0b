import { loadAuthEnv, loadWebEnv } from "@agora/api/env";
import { mediaOriginTokenSchema, servicesSchema, storageSchema } from "@agora/config";
import { APP } from "./auth/config.ts";

/**
 * Validated once at start-up (see instrumentation.ts): every concern this server reads, so a
 * missing variable stops it with a message naming it. Import `env` instead of reading process.env.
 */
export const env = loadWebEnv(APP, { services: servicesSchema.pick({ AGORA_CDN_URL: true, AGORA_CARRIER_URL: true, AGORA_CARRIER_WEBHOOK_URL: true, AGORA_MEDIA_ORIGIN_URL: true }), storage: storageSchema, mediaOrigin: mediaOriginTokenSchema });

export const authEnv = loadAuthEnv(APP);
console.log(`[auth] ${APP}: NEXTAUTH_URL=${authEnv.url}, secret from ${authEnv.secretSource}`);
