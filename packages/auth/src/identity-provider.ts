/**
 * next-auth's provider for Agora's own OpenID Connect provider: authorization code with PKCE and
 * state (openid-client underneath), the ID token verified against the provider's JWKS (ES256,
 * issuer, audience = this app's client id), and its claims mapped onto the session every app
 * already has, so RBAC, tenancy and revocation work unchanged.
 */
import type { OAuthConfig } from "next-auth/providers/oauth";
import { z } from "zod";
import type { AuthenticatedUser } from "./credentials.ts";
import type { IdentityClient } from "./identity-client.ts";
import { IDENTITY_PROVIDER_ID } from "./identity-provider-id.ts";
import { ROLES } from "./roles.ts";

/** The ID token's Agora claims (apps/identity `accounts.ts`); anything else refuses the sign-in. */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export const identityClaims = z.object({
  sub: uuid,
  email: z.string().min(1),
  name: z.string(),
  // A role the app does not know is dropped, never widened into one it does.
  roles: z
    .array(z.string())
    .transform((rs) => rs.filter((r) => (ROLES as readonly string[]).includes(r))),
  vendor_id: uuid.nullish(),
  /** The user's session epoch the provider signed them in under (see revocation.ts). */
  session_epoch: z.number().int().nonnegative(),
});

export type IdentityClaims = z.input<typeof identityClaims>;

/** The session's user from the ID token's claims (throws on claims that are not Agora's). */
export function userFromClaims(claims: unknown): AuthenticatedUser {
  const c = identityClaims.parse(claims);
  return {
    id: c.sub,
    email: c.email,
    name: c.name,
    roles: c.roles as AuthenticatedUser["roles"],
    ...(c.vendor_id ? { vendorId: c.vendor_id } : {}),
    epoch: c.session_epoch,
  };
}

/** Seconds any call to the provider (discovery, token, JWKS) may take; the box can be loaded. */
const PROVIDER_TIMEOUT_MS = 10_000;

export function agoraIdentityProvider(client: IdentityClient): OAuthConfig<IdentityClaims> {
  return {
    id: IDENTITY_PROVIDER_ID,
    name: "Agora account",
    type: "oauth",
    wellKnown: new URL(".well-known/openid-configuration", `${client.issuer.replace(/\/$/, "")}/`)
      .href,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    checks: ["pkce", "state"],
    idToken: true,
    client: {
      id_token_signed_response_alg: "ES256",
      token_endpoint_auth_method: "client_secret_basic",
    },
    httpOptions: { timeout: PROVIDER_TIMEOUT_MS },
    profile: (profile) => userFromClaims(profile),
  };
}
