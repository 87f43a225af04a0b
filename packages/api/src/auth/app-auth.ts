/**
 * One app's `AuthConfig`: its own session key and NEXTAUTH_URL (or their topology-derived
 * defaults), resolved on first use, with the revocation check and sign-in throttle every app
 * shares (sign-out and role changes count at the next request; fail-closed where the app says so),
 * and — for its auth route — the app as a client of Agora's identity provider.
 */
import {
  type AuthApp,
  type AuthConfig,
  IDENTITY_CLIENT_ID,
  identityClientSecret,
  identitySignedOutUrl,
  type RevocationPolicy,
  type SignInThrottle,
} from "@agora/auth";
import { appSignInSchema, loadConfig } from "@agora/config";
import { loadAuthEnv } from "../env.ts";
import { sessionRevocation } from "./session-epochs.ts";
import { signInThrottle } from "./sign-in-throttle.ts";

export function appAuthConfig(app: AuthApp): () => AuthConfig {
  let revocation: RevocationPolicy | undefined;
  let throttle: SignInThrottle | undefined;
  return () => {
    const { secret, previousSecrets, url } = loadAuthEnv(app);
    revocation ??= sessionRevocation(app);
    throttle ??= signInThrottle();
    return { app, secret, previousSecrets, url, revocation, signInThrottle: throttle };
  };
}

/**
 * How long an app keeps its client secret before reading it again: a rotated secret is used within
 * this, well inside the rotation's grace window (the old one stays valid meanwhile).
 */
export const CLIENT_SECRET_REFRESH_MS = 60_000;

/**
 * What the app's auth route (`/api/auth/*`) needs on top: the provider's issuer and the app's
 * client id and secret (from the clients' store), read on the first sign-in and again after
 * CLIENT_SECRET_REFRESH_MS.
 */
export function appSignInConfig(app: AuthApp): () => Promise<AuthConfig> {
  const base = appAuthConfig(app);
  let settings: Promise<Pick<AuthConfig, "identity" | "directPasswordSignIn">> | undefined;
  let readAt = 0;
  const load = async () => {
    const env = loadConfig(appSignInSchema);
    return {
      identity: {
        issuer: env.AGORA_IDENTITY_ISSUER,
        clientId: IDENTITY_CLIENT_ID[app],
        clientSecret: await identityClientSecret(app),
      },
      directPasswordSignIn: env.AGORA_DIRECT_PASSWORD_SIGN_IN === "on",
    };
  };
  return async () => {
    if (Date.now() - readAt > CLIENT_SECRET_REFRESH_MS) {
      settings = undefined;
      readAt = Date.now();
    }
    // A failed read (secrets store busy) is tried again on the next request, not remembered.
    settings ??= load().catch((err: unknown) => {
      settings = undefined;
      throw err;
    });
    return { ...base(), ...(await settings) };
  };
}

/**
 * Where the app's sign-out sends the browser after clearing its own session: the provider's
 * end_session endpoint (RP-initiated logout), which ends the provider session and comes back to
 * the app's public origin (registered as the client's post-logout redirect URI).
 */
export function identityEndSessionUrl(app: AuthApp): string {
  const { AGORA_IDENTITY_ISSUER: issuer } = loadConfig(appSignInSchema);
  const url = new URL(`${issuer}/session/end`);
  url.search = new URLSearchParams({
    client_id: IDENTITY_CLIENT_ID[app],
    post_logout_redirect_uri: identitySignedOutUrl(loadAuthEnv(app).url),
  }).toString();
  return url.href;
}
