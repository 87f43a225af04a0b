/**
 * How every concern declares its secret keys: values never live in git (in Kubernetes they come
 * from Secret references), and production refuses the ones that do.
 */
import { z } from "zod";
import { runtimeSchema } from "./listen.ts";

/**
 * The carrier webhook key of in-process simulators (tests). It is in the repository, so anyone can
 * sign a webhook with it: production refuses it.
 */
export const DEV_CARRIER_WEBHOOK_SECRET = "agora-dev-carrier-webhook-secret";
/** The payment simulator's admin token of in-process simulators (tests); refused in production. */
export const DEV_PAYMENT_SIM_ADMIN_TOKEN = "agora-dev-payment-sim-admin-token-not-secret";
/** The provider API key of in-process simulators (tests); refused in production. */
export const DEV_PAYMENT_PROVIDER_API_KEY = "agora-dev-payment-provider-api-key-not-secret";
/** PaySwift's API key of in-process simulators (tests); refused in production. */
export const DEV_PAYSWIFT_API_KEY = "agora-dev-payswift-api-key-not-secret-value";

/** Secret values that exist in this repository; none of them may be used in production. */
const REPOSITORY_SECRETS: ReadonlySet<string> = new Set([
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYSWIFT_API_KEY,
]);

/** A shared bearer token between two internal services. */
export const serviceToken = z
  .string({ message: "required (at least 32 characters, e.g. `openssl rand -base64 32`)" })
  .min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)");

/**
 * A concern's secret keys plus AGORA_ENV: in production (`AGORA_ENV=production`) a value that
 * exists in this repository is refused, naming the variable, so a forgotten default stops start-up
 * instead of letting anyone forge what the secret signs. A missing secret is refused everywhere,
 * except keys listed in `productionOnly`, which development and tests may leave unset.
 */
export function secretsSchema<S extends z.ZodRawShape>(
  shape: S,
  opts: { productionOnly?: readonly (keyof S & string)[] } = {},
) {
  return z
    .object({ AGORA_ENV: runtimeSchema.shape.AGORA_ENV, ...shape })
    .superRefine((parsed, ctx) => {
      // Generic over the concern's keys, so zod cannot name AGORA_ENV's type here.
      const env = parsed as Record<string, unknown>;
      if (env.AGORA_ENV !== "production") return;
      for (const key of opts.productionOnly ?? []) {
        if (env[key] === undefined)
          ctx.addIssue({ code: "custom", path: [key], message: "required in production" });
      }
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
