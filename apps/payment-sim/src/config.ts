/**
 * Defaults for the simulator's knobs, and the environment `main.ts` reads (validated once, failing
 * with the variable's name).
 */
import type { Topology } from "@agora/infra-local/topology";
import { z } from "zod";
import { isLoopbackUrl } from "./carrier/loopback-url.ts";

/** Dev-only shared secret; Agora's webhook receiver uses the same default when the env is unset. */
export const DEV_CARRIER_WEBHOOK_SECRET = "agora-dev-carrier-webhook-secret";

export const DEFAULTS = {
  /** Longer than any sane client timeout: the processing-timeout card must trip the caller's. */
  processingTimeoutMs: 30_000,
  /** Keys are remembered for a day, like the large providers. */
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  carrierStepMs: 300,
  webhook: { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5_000, timeoutMs: 5_000 },
} as const;

const ms = z.coerce.number().int().min(0);

export const simEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z
    .string()
    .default("127.0.0.1")
    .refine(
      (h) => isLoopbackUrl(`http://${h.includes(":") ? `[${h}]` : h}/`),
      "must be a loopback address",
    ),
  CARRIER_WEBHOOK_SECRET: z.string().min(16).default(DEV_CARRIER_WEBHOOK_SECRET),
  CARRIER_STEP_MS: ms.default(DEFAULTS.carrierStepMs),
  PAYMENT_SIM_PROCESSING_TIMEOUT_MS: ms.default(DEFAULTS.processingTimeoutMs),
  /** Comma-separated browser origins for the hosted card step; default: the storefront's. */
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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The storefront instances and the gateway in front of them, by IP and by name. */
export function storefrontOrigins(t: Topology): string[] {
  const ports = [...t.apps.storefront, t.apps.gateway];
  return ports.flatMap((p) => [`http://127.0.0.1:${p}`, `http://localhost:${p}`]);
}

export type SimEnv = z.infer<typeof simEnvSchema>;

export function loadSimEnv(source: Record<string, string | undefined> = process.env): SimEnv {
  const parsed = simEnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.join(".")}: ${i.message} (got ${JSON.stringify(source[String(i.path[0])])})`,
  );
  throw new Error(`Invalid payment-sim environment:\n  ${problems.join("\n  ")}`);
}
