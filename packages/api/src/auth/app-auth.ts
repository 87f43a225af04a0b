/**
 * One app's `AuthConfig`: its own session key and NEXTAUTH_URL (or their topology-derived
 * defaults), resolved on first use, with the revocation check and sign-in throttle every app
 * shares (sign-out and role changes count at the next request; fail-closed where the app says so).
 */
import type { AuthApp, AuthConfig, RevocationPolicy, SignInThrottle } from "@agora/auth";
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
