import { loadAuthEnv } from "@agora/api/env";
import { sessionRevocation } from "@agora/api/sessions";
import { signInThrottle } from "@agora/api/sign-in-throttle";
import type {
  AgoraSession,
  AuthApp,
  AuthConfig,
  RevocationPolicy,
  SignInThrottle,
} from "@agora/auth";

export const APP: AuthApp = "storefront";

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

/** Guests may browse and keep a cart: every page is open; procedures check their own permission. */
export function mayUseApp(_session: AgoraSession | null): boolean {
  return true;
}

export const ACCESS_LABEL = "your Agora account";
