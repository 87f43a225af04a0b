import type { CookiesOptions } from "next-auth";

/** The three web apps; each keeps its own cookies (see below). */
export type AuthApp = "storefront" | "vendor-portal" | "ops-console";

/**
 * Cookies ignore ports, so on 127.0.0.1 the three apps would overwrite each other's session and
 * CSRF cookies under next-auth's default names. Per-app names keep a shopper's storefront session
 * apart from an operator's console session, as separate domains would in production.
 */
export function authCookies(app: AuthApp, secure: boolean): Partial<CookiesOptions> {
  const prefix = secure ? "__Secure-" : "";
  const options = { httpOnly: true, sameSite: "lax" as const, path: "/", secure };
  return {
    sessionToken: { name: sessionCookieName(app, secure), options },
    callbackUrl: { name: `${prefix}agora-${app}.callback-url`, options },
    // __Host- (secure only) forbids a sibling subdomain from planting a CSRF cookie.
    csrfToken: { name: `${secure ? "__Host-" : ""}agora-${app}.csrf-token`, options },
    // The sign-in round trip through the identity provider: two apps signing in at once in one
    // browser must not take each other's PKCE verifier or state. Short-lived (15 min).
    pkceCodeVerifier: { name: `${prefix}agora-${app}.pkce`, options: { ...options, maxAge: 900 } },
    state: { name: `${prefix}agora-${app}.state`, options: { ...options, maxAge: 900 } },
    nonce: { name: `${prefix}agora-${app}.nonce`, options },
  };
}

export function sessionCookieName(app: AuthApp, secure: boolean): string {
  return `${secure ? "__Secure-" : ""}agora-${app}.session-token`;
}
