import { loadAuthEnv, loadWebEnv } from "@agora/api/env";
import { metricsTargetsSchema, paymentSimAdminTokenSchema, servicesSchema, telemetryReadSchema } from "@agora/config";
import { APP } from "./auth/config.ts";

/**
 * Validated once at start-up (see instrumentation.ts): every concern this server reads, so a
 * missing variable stops it with a message naming it. Import `env` instead of reading process.env.
 */
export const env = loadWebEnv(APP, {
  metrics: metricsTargetsSchema,
  services: servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true }),
  // Bearer tokens of the planes the console reads or drives: collector queries, simulator faults.
  telemetryRead: telemetryReadSchema,
  simAdmin: paymentSimAdminTokenSchema,
});

export const authEnv = loadAuthEnv(APP);
console.log(`[auth] ${APP}: NEXTAUTH_URL=${authEnv.url}, secret from ${authEnv.secretSource}`);
