import { appAuthConfig, appSignInConfig } from "@agora/api/app-auth";
import { hasPermission } from "@agora/api/permissions";
import type { AgoraSession, AuthApp } from "@agora/auth";

export const APP: AuthApp = "ops-console";

/** This app's session key and URL with the shared revocation check and sign-in throttle. */
export const authConfig = appAuthConfig(APP);

/** The auth route's config: the above plus the app as a client of Agora's identity provider. */
export const signInConfig = appSignInConfig(APP);

/**
 * Who may open this app's pages: checked by proxy.ts (redirect to /signin) and the sign-in page.
 * Only an early redirect: every tRPC procedure checks its own permission again.
 */
export function mayUseApp(session: AgoraSession | null): boolean {
  return session !== null && hasPermission(session.roles, "ops:read");
}

export const ACCESS_LABEL = "an operator or admin account";
