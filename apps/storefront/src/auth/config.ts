import { appAuthConfig, appSignInConfig } from "@agora/api/app-auth";
import type { AgoraSession, AuthApp } from "@agora/auth";

export const APP: AuthApp = "storefront";

/** This app's session key and URL with the shared revocation check and sign-in throttle. */
export const authConfig = appAuthConfig(APP);

/** The auth route's config: the above plus the app as a client of Agora's identity provider. */
export const signInConfig = appSignInConfig(APP);

/** Guests may browse and keep a cart: every page is open; procedures check their own permission. */
export function mayUseApp(_session: AgoraSession | null): boolean {
  return true;
}

export const ACCESS_LABEL = "your Agora account";
