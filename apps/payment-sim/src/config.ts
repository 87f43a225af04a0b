/**
 * Defaults for the simulator's knobs, and the environment `main.ts` reads (validated once, failing
 * with the variable's name).
 */
import {
  carrierWebhookSecretSchema,
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
  listenSchema,
  loadConfig,
  paymentProviderKeySchema,
  paymentSimAdminTokenSchema,
  payswiftApiKeySchema,
  servicesSchema,
  serviceTlsSchema,
  telemetrySchema,
  type EnvSource,
} from "@agora/config";
import { z } from "zod";

/**
 * Defaults of in-process simulators (tests); a deployed simulator reads AGORA_CARRIER_WEBHOOK_SECRET,
 * AGORA_PAYMENT_SIM_ADMIN_TOKEN and AGORA_PAYMENT_PROVIDER_API_KEY, which refuse these values in
 * production (see @agora/config).
 */
export {
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
};

export const DEFAULTS = {
  /** Longer than any sane client timeout: the processing-timeout card must trip the caller's. */
  processingTimeoutMs: 30_000,
  /** Keys are remembered for a day, like the large providers. */
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  carrierStepMs: 300,
  webhook: { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5_000, timeoutMs: 5_000 },
} as const;

const ms = z.coerce.number().int().min(0);

/** The simulator's own knobs; the listen address, secret and origins come from @agora/config. */
export const simEnvSchema = z.object({
  CARRIER_STEP_MS: ms.default(DEFAULTS.carrierStepMs),
  PAYMENT_SIM_PROCESSING_TIMEOUT_MS: ms.default(DEFAULTS.processingTimeoutMs),
  /** Comma-separated browser origins for the hosted card step; default: AGORA_STOREFRONT_URL. */
  PAYMENT_SIM_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(",")
            .map((o) => o.trim())
            .filter(Boolean),
    )
    .pipe(z.array(z.url()).optional()),
  /** When set, payments, shipments, idempotency keys and the ledger survive a restart. */
  PAYMENT_SIM_STATE_FILE: z.string().min(1).optional(),
  /**
   * The server API's port over mutual TLS (with AGORA_TLS_* files); once set, the plain PORT
   * serves only the browser's card step and the probes.
   */
  PAYMENT_SIM_TLS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

/** Everything the simulator process reads, composed (one error names every variable at fault). */
export function loadSimEnv(source: EnvSource = process.env) {
  const { sim, listen, secret, admin, apiKey, payswiftKey, origins, telemetry, tls } = loadConfig(
    {
      sim: simEnvSchema,
      listen: listenSchema,
      secret: carrierWebhookSecretSchema,
      admin: paymentSimAdminTokenSchema,
      apiKey: paymentProviderKeySchema,
      payswiftKey: payswiftApiKeySchema,
      origins: servicesSchema.pick({ AGORA_STOREFRONT_URL: true }),
      telemetry: telemetrySchema,
      tls: serviceTlsSchema,
    },
    source,
  );
  if (sim.PAYMENT_SIM_TLS_PORT !== undefined && (!tls.AGORA_TLS_CA_FILE || !tls.AGORA_TLS_CERT_FILE || !tls.AGORA_TLS_KEY_FILE))
    throw new Error("PAYMENT_SIM_TLS_PORT needs AGORA_TLS_CA_FILE, AGORA_TLS_CERT_FILE and AGORA_TLS_KEY_FILE");
  return {
    ...sim,
    HOST: listen.HOST,
    PORT: listen.PORT,
    AGORA_CARRIER_WEBHOOK_SECRET: secret.AGORA_CARRIER_WEBHOOK_SECRET,
    AGORA_PAYMENT_SIM_ADMIN_TOKEN: admin.AGORA_PAYMENT_SIM_ADMIN_TOKEN,
    AGORA_PAYMENT_PROVIDER_API_KEY: apiKey.AGORA_PAYMENT_PROVIDER_API_KEY,
    AGORA_PAYSWIFT_API_KEY: payswiftKey.AGORA_PAYSWIFT_API_KEY,
    LOG_LEVEL: telemetry.LOG_LEVEL,
    corsOrigins: sim.PAYMENT_SIM_CORS_ORIGINS ?? [origins.AGORA_STOREFRONT_URL],
    mutualTls:
      sim.PAYMENT_SIM_TLS_PORT !== undefined && tls.AGORA_TLS_CA_FILE && tls.AGORA_TLS_CERT_FILE && tls.AGORA_TLS_KEY_FILE
        ? {
            port: sim.PAYMENT_SIM_TLS_PORT,
            files: { ca: tls.AGORA_TLS_CA_FILE, cert: tls.AGORA_TLS_CERT_FILE, key: tls.AGORA_TLS_KEY_FILE },
          }
        : undefined,
  };
}

export type SimEnv = ReturnType<typeof loadSimEnv>;
