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
});

/** Everything the simulator process reads, composed (one error names every variable at fault). */
export function loadSimEnv(source: EnvSource = process.env) {
  const { sim, listen, secret, admin, apiKey, payswiftKey, origins, telemetry } = loadConfig(
    {
      sim: simEnvSchema,
      listen: listenSchema,
      secret: carrierWebhookSecretSchema,
      admin: paymentSimAdminTokenSchema,
      apiKey: paymentProviderKeySchema,
      payswiftKey: payswiftApiKeySchema,
      origins: servicesSchema.pick({ AGORA_STOREFRONT_URL: true }),
      telemetry: telemetrySchema,
    },
    source,
  );
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
  };
}

export type SimEnv = ReturnType<typeof loadSimEnv>;
