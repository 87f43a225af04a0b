import { loadAuthEnv } from "@agora/api/env";
import { hasPermission } from "@agora/api/permissions";
import type { AgoraSession, AuthApp, AuthConfig } from "@agora/auth";

export const APP: AuthApp = "ops-console";

/** NEXTAUTH_SECRET / NEXTAUTH_URL (or their topology-derived defaults), resolved on first use. */
export function authConfig(): AuthConfig {
  const { secret, url } = loadAuthEnv(APP);
  return { app: APP, secret, url };
}

/**
 * Who may open this app's pages: checked by proxy.ts (redirect to /signin) and the sign-in page.
 * Only an early redirect: every tRPC procedure checks its own permission again.
 */
export function mayUseApp(session: AgoraSession | null): boolean {
  return session !== null && hasPermission(session.roles, "ops:read");
}

export const ACCESS_LABEL = "an operator or admin account";
