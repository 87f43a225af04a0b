import { loadAuthEnv } from "@agora/api/env";
import type { AgoraSession, AuthApp, AuthConfig } from "@agora/auth";

export const APP: AuthApp = "storefront";

/** NEXTAUTH_SECRET / NEXTAUTH_URL (or their topology-derived defaults), resolved on first use. */
export function authConfig(): AuthConfig {
  const { secret, url } = loadAuthEnv(APP);
  return { app: APP, secret, url };
}

/** Guests may browse and keep a cart: every page is open; procedures check their own permission. */
export function mayUseApp(_session: AgoraSession | null): boolean {
  return true;
}

export const ACCESS_LABEL = "your Agora account";
