/**
 * Agora's OpenID Connect provider (oidc-provider): sign-in for Agora's own apps (authorization
 * code + PKCE, interactions.ts; one provider session signs a person in to all three, bound to
 * their session epoch by login-epochs.ts) and, for the vendor REST API,
 * client_credentials for vendor machine clients (one OAuth client per API key, its scopes the
 * key's), access tokens as JWTs for the resource `urn:agora:vendor-api` signed with the rotating
 * keys of signing-keys.ts, carrying the key's tenant (`vendor_id`). The REST API verifies them
 * against `<issuer>/jwks` and then checks the key is still active.
 */
import { API_SCOPES, keyMatches, VENDOR_API_AUDIENCE } from "@agora/api/vendor-api-keys";
import type { Redis } from "ioredis";
import Provider, { errors, interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { accountFinder } from "./accounts.ts";
import { loginEpochs, type LoginEpochs, revokedSessionCheck } from "./login-epochs.ts";
import { signedOutPage, signOutHeaders, signOutPage } from "./pages/sign-out-page.ts";
import type { KeySet } from "./signing-keys.ts";
import { storageAdapter, VENDOR_ID_CLAIM } from "./storage.ts";

/** Lifetime of an access token for the REST API: short, because a revoked key must end soon too. */
export const ACCESS_TOKEN_TTL_S = 600;

/** A provider session lasts as long as an app session (SESSION_MAX_AGE_S of @agora/auth). */
export const SESSION_TTL_S = 8 * 60 * 60;

/** The claim carrying the user's session epoch into the apps' sessions (login-epochs.ts). */
export const SESSION_EPOCH_CLAIM = "session_epoch";

/** One of Agora's own apps signing its users in (authorization code + PKCE). */
export interface RelyingParty {
  clientId: string;
  clientName: string;
  /**
   * SHA-256 (hex) of each secret the client may authenticate with now, asked at every token
   * request: the current one and, during a rotation's grace window, the previous one. The provider
   * never holds a secret itself.
   */
  secretHashes: () => Promise<string[]>;
  redirectUris: string[];
  /** Where the provider may send the browser after RP-initiated logout (the app's public origin). */
  postLogoutRedirectUris?: string[];
}

export interface ProviderOptions {
  issuer: string;
  relyingParties?: RelyingParty[];
  keys: KeySet;
  redis: Redis;
  /** Keys that sign the provider's cookies (interaction and session state). */
  cookieKeys: string[];
  /** Default: recorded in `redis`, checked against the apps' session epochs. */
  loginEpochs?: LoginEpochs;
}

export function createProvider(opts: ProviderOptions): Provider {
  const epochs = opts.loginEpochs ?? loginEpochs(opts.redis);
  const policy = interactionPolicy.base();
  // After the sign-out form's POST the provider redirects to the app: form-action must allow it.
  const signOutTargets = [
    ...new Set((opts.relyingParties ?? []).flatMap((rp) => (rp.postLogoutRedirectUris ?? []).map((u) => new URL(u).origin))),
  ];
  policy.get("login")!.checks.add(revokedSessionCheck(epochs, SESSION_TTL_S));
  const provider = new Provider(opts.issuer, {
    adapter: storageAdapter(opts.redis),
    clients: (opts.relyingParties ?? []).map((rp) => ({
      client_id: rp.clientId,
      client_name: rp.clientName,
      // Never compared: Agora's apps are checked against `secretHashes` (compareClientSecret).
      client_secret: `rotating:${rp.clientId}`,
      redirect_uris: rp.redirectUris,
      post_logout_redirect_uris: rp.postLogoutRedirectUris ?? [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      scope: "openid email profile",
      id_token_signed_response_alg: "ES256",
    })),
    findAccount: accountFinder(epochs),
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The apps take roles, tenant and epoch from the ID token itself (no userinfo round trip).
    conformIdTokenClaims: false,
    // `screen_hint=signup`: the storefront's "Create an account" opens the sign-up form.
    extraParams: ["screen_hint"],
    pkce: { required: () => true },
    jwks: { keys: opts.keys.signing as never },
    cookies: { keys: opts.cookieKeys },
    scopes: ["openid", "email", "profile", ...API_SCOPES],
    claims: {
      openid: ["sub"],
      email: ["email"],
      profile: ["name", "roles", VENDOR_ID_CLAIM, SESSION_EPOCH_CLAIM],
    },
    extraClientMetadata: { properties: [VENDOR_ID_CLAIM] },
    clientDefaults: {
      grant_types: ["client_credentials"],
      response_types: [],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "ES256",
    },
    enabledJWA: {
      idTokenSigningAlgValues: ["ES256"],
      // No HS256 with the client secret as key: the provider holds only its hash.
      clientAuthSigningAlgValues: ["ES256", "RS256"],
    },
    features: {
      devInteractions: { enabled: false },
      // An app's sign-out ends the provider session too (`<issuer>/session/end`).
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          const { nonce, csp } = signOutHeaders(signOutTargets);
          ctx.set("content-security-policy", csp);
          ctx.set("cache-control", "no-store");
          ctx.type = "html";
          ctx.body = signOutPage(form, nonce);
        },
        postLogoutSuccessSource(ctx) {
          ctx.set("cache-control", "no-store");
          ctx.type = "html";
          ctx.body = signedOutPage();
        },
      },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Only machine clients get vendor API tokens; an app's sign-in asks for none.
        defaultResource: (_ctx, client, oneOf) =>
          oneOf ??
          (client.grantTypes?.includes("client_credentials") ? VENDOR_API_AUDIENCE : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx: KoaContextWithOIDC, resource: string) {
          if (resource !== VENDOR_API_AUDIENCE) throw new errors.InvalidTarget();
          return {
            audience: VENDOR_API_AUDIENCE,
            scope: API_SCOPES.join(" "),
            accessTokenTTL: ACCESS_TOKEN_TTL_S,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "ES256" } },
          };
        },
      },
    },
    async extraTokenClaims(ctx: KoaContextWithOIDC) {
      const vendorId = ctx.oidc.client?.[VENDOR_ID_CLAIM as keyof typeof ctx.oidc.client];
      return typeof vendorId === "string" ? { [VENDOR_ID_CLAIM]: vendorId } : {};
    },
    ttl: {
      ClientCredentials: ACCESS_TOKEN_TTL_S,
      Session: SESSION_TTL_S,
      Grant: SESSION_TTL_S,
      Interaction: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      AccessToken: ACCESS_TOKEN_TTL_S,
    },
    // Discovery and JWKS are public; nothing else is called from browsers.
    clientBasedCORS: () => false,
    renderError(ctx, out) {
      ctx.type = "json";
      ctx.body = { error: out.error, error_description: out.error_description };
    },
  });
  // A client's secret is the vendor API key, stored only as SHA-256 (storage.ts hands the hash to
  // the provider as `client_secret`); oidc-provider has no hook for hashed secrets, so the one
  // comparison it makes is replaced by a constant-time hash comparison. Agora's own apps are
  // compared with the hashes their rotation state accepts now.
  const apps = new Map((opts.relyingParties ?? []).map((rp) => [rp.clientId, rp]));
  provider.Client.prototype.compareClientSecret = async function compareHashed(
    this: { clientId: string; clientSecret?: string },
    actual: string,
  ) {
    const app = apps.get(this.clientId);
    if (app) return (await app.secretHashes()).some((hash) => keyMatches(actual, hash));
    return typeof this.clientSecret === "string" && keyMatches(actual, this.clientSecret);
  } as never;
  // Behind the HAProxy edge the provider sees the edge's address; trust its X-Forwarded-* only there.
  provider.proxy = true;
  return provider;
}
