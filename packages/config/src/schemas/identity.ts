/**
 * Agora's own OpenID Connect provider (apps/identity): where it listens and the issuer URL every
 * relying party checks tokens against. Optional for the REST API: without an issuer it accepts API
 * keys only and refuses every bearer JWT.
 */
import { z } from "zod";
import { runtimeSchema } from "./listen.ts";
import { baseUrl } from "./primitives.ts";

/** What a relying party (the vendor REST API, an app's sign-in) needs. */
export const identityClientSchema = z.object({
  /** The provider's issuer (`iss` of its tokens); its JWKS is `<issuer>/jwks`. */
  AGORA_IDENTITY_ISSUER: baseUrl.optional(),
});

/** What the provider itself needs besides its listen address. */
export const identityProviderSchema = z.object({
  AGORA_IDENTITY_ISSUER: baseUrl,
  /** Days a signing key signs before the next one takes over (the old one stays published). */
  AGORA_IDENTITY_KEY_ROTATION_DAYS: z.coerce.number().positive().max(365).default(30),
  /** Signs the provider's cookies (interaction and session state); at least 32 characters. */
  AGORA_IDENTITY_COOKIE_SECRET: z.string({ message: "required (32+ characters)" }).min(32),
});

/**
 * How a web app signs people in: always through the provider (AGORA_IDENTITY_ISSUER). The direct
 * password endpoint (`/api/auth/callback/credentials`, no page offers it) exists for load tools
 * that cannot drive a browser through the provider; production refuses to turn it on.
 */
export const appSignInSchema = z
  .object({
    AGORA_ENV: runtimeSchema.shape.AGORA_ENV,
    AGORA_IDENTITY_ISSUER: baseUrl,
    AGORA_DIRECT_PASSWORD_SIGN_IN: z.enum(["on", "off"]).default("off"),
  })
  .refine((s) => s.AGORA_ENV !== "production" || s.AGORA_DIRECT_PASSWORD_SIGN_IN === "off", {
    path: ["AGORA_DIRECT_PASSWORD_SIGN_IN"],
    message: "must be off in production: people sign in through the identity provider",
  });
