import { loadAuthEnv } from "@agora/api/env";
import { hasPermission } from "@agora/api/permissions";
import { sessionRevocation } from "@agora/api/sessions";
import { signInThrottle } from "@agora/api/sign-in-throttle";
import type {
  AgoraSession,
  AuthApp,
  AuthConfig,
  RevocationPolicy,
  SignInThrottle,
} from "@agora/auth";

export const APP: AuthApp = "ops-console";

let revocation: RevocationPolicy | undefined;
let throttle: SignInThrottle | undefined;

/**
 * This app's session key and NEXTAUTH_URL (or their topology-derived defaults), resolved on first
 * use, and the shared session revocation (sign-out and role changes count at the next request).
 */
export function authConfig(): AuthConfig {
  const { secret, url } = loadAuthEnv(APP);
  revocation ??= sessionRevocation(APP);
  throttle ??= signInThrottle();
  return { app: APP, secret, url, revocation, signInThrottle: throttle };
}

/**
 * Who may open this app's pages: checked by proxy.ts (redirect to /signin) and the sign-in page.
 * Only an early redirect: every tRPC procedure checks its own permission again.
 */
export function mayUseApp(session: AgoraSession | null): boolean {
  return session !== null && hasPermission(session.roles, "ops:read");
}

export const ACCESS_LABEL = "an operator or admin account";
