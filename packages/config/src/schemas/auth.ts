/** Secrets. Values never live in git; in Kubernetes they come from Secret references. */
import { z } from "zod";
import { runtimeSchema } from "./listen.ts";

/**
 * The carrier webhook key of in-process simulators (tests). It is in the repository, so anyone can
 * sign a webhook with it: production refuses it.
 */
export const DEV_CARRIER_WEBHOOK_SECRET = "agora-dev-carrier-webhook-secret";

/** Secret values that exist in this repository; none of them may be used in production. */
const REPOSITORY_SECRETS: ReadonlySet<string> = new Set([DEV_CARRIER_WEBHOOK_SECRET]);

/**
 * A concern's secret keys plus AGORA_ENV: in production (`AGORA_ENV=production`) a value that
 * exists in this repository is refused, naming the variable, so a forgotten default stops start-up
 * instead of letting anyone forge what the secret signs. A missing secret is refused everywhere.
 */
function secretsSchema<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({ AGORA_ENV: runtimeSchema.shape.AGORA_ENV, ...shape })
    .superRefine((parsed, ctx) => {
      // Generic over the concern's keys, so zod cannot name AGORA_ENV's type here.
      const env = parsed as Record<string, unknown>;
      if (env.AGORA_ENV !== "production") return;
      for (const key of Object.keys(shape)) {
        const value = env[key];
        if (typeof value === "string" && REPOSITORY_SECRETS.has(value))
          ctx.addIssue({
            code: "custom",
            path: [key],
            message:
              "is a development default from the repository; production needs its own secret",
          });
      }
    });
}

export const nextAuthSchema = secretsSchema({
  NEXTAUTH_SECRET: z
    .string({ message: "required (at least 32 characters, e.g. `openssl rand -base64 32`)" })
    .min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)"),
  /** The app's public origin; default: its AGORA_*_URL. */
  NEXTAUTH_URL: z
    .url({ protocol: /^https?$/, message: "must be the app's public http(s) origin" })
    .optional(),
});

/** HMAC key of carrier shipment webhooks (shared by the carrier and the payments pool). */
export const carrierWebhookSecretSchema = secretsSchema({
  AGORA_CARRIER_WEBHOOK_SECRET: z.string({ message: "required (≥ 16 characters)" }).min(16),
});

/** HMAC key of vendor staff invitation tokens. */
export const invitationSecretSchema = secretsSchema({
  AGORA_INVITATION_SECRET: z.string({ message: "required (≥ 32 characters)" }).min(32),
});
