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

export const APP: AuthApp = "vendor-portal";

let revocation: RevocationPolicy | undefined;
let throttle: SignInThrottle | undefined;

/**
 * This app's session key and NEXTAUTH_URL (or their topology-derived defaults), resolved on first
 * use, and session revocation: every request's session epoch is checked against Redis, so a
 * removed staff member's next page load or tRPC call is refused. Fail-closed: while the epoch
 * cannot be read, sessions are refused (sign-in page) rather than trusted.
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
  return (
    session !== null &&
    hasPermission(session.roles, "vendor:read") &&
    session.vendorId !== undefined
  );
}

export const ACCESS_LABEL = "a vendor owner or staff account";
