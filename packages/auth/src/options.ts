/**
 * next-auth v4 options: people sign in through Agora's own OpenID Connect provider
 * (identity-provider.ts: authorization code + PKCE, one sign-in for all three apps); sessions are
 * JWTs, stateless (encrypted with the app's key), so any storefront instance behind the gateway
 * can read a session another instance issued, with no shared session store. The direct password
 * endpoint (Credentials) is only there for load tools, where a deployment turns it on.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authCookies, type AuthApp } from "./cookies.ts";
import {
  credentialsInput,
  type FindUserByEmail,
  findUserInCore,
  hashForUnknownUsers,
  verifyCredentials,
} from "./credentials.ts";
import type { IdentityClient } from "./identity-client.ts";
import { agoraIdentityProvider } from "./identity-provider.ts";
import type { RevocationPolicy } from "./revocation.ts";
import { decodeWithPreviousKeys } from "./session-keys.ts";
import type { SignInThrottle } from "./sign-in-throttle.ts";
import type { AgoraClaims } from "./session.ts";

declare module "next-auth" {
  interface User extends AgoraClaims {
    id: string;
  }
  interface Session {
    user: { id: string; email: string; name: string } & AgoraClaims;
  }
}

declare module "next-auth/jwt" {
  interface JWT extends Partial<AgoraClaims> {
    sub?: string;
    /** The app that issued the token; getSession refuses a token of another app. */
    aud?: string;
  }
}

export interface AuthConfig {
  app: AuthApp;
  /** This app's session key: derived from NEXTAUTH_SECRET per app (`sessionSecretFor`, see @agora/api/env). */
  secret: string;
  /**
   * The app's previous session keys (derived from NEXTAUTH_SECRET_PREVIOUS): sessions they issued
   * stay valid until they expire; new ones are issued under `secret` only.
   */
  previousSecrets?: readonly string[];
  /** NEXTAUTH_URL; an https URL switches to `__Secure-` cookies. */
  url: string;
  /**
   * getSession refuses sessions whose epoch is behind the user's current one; sign-out moves the
   * epoch on. Required: no app serves a session it cannot revoke.
   */
  revocation: RevocationPolicy;
  /** Counts sign-in attempts per account and address before any password is checked. */
  signInThrottle?: SignInThrottle;
  /**
   * The app as a client of Agora's identity provider (the one way people sign in). Absent where
   * only sessions are read (getSession, tests that mint sessions).
   */
  identity?: IdentityClient;
  /**
   * Also accept email + password posted straight to `/api/auth/callback/credentials` (no page
   * offers it): for load generators that cannot drive a browser through the provider. Off unless
   * the deployment turns it on (AGORA_DIRECT_PASSWORD_SIGN_IN); production refuses it.
   */
  directPasswordSignIn?: boolean;
}

/**
 * Roles are read at sign-in. A role change or a sign-out bumps the user's session epoch, which
 * every app checks on every request (see revocation.ts).
 */
export const SESSION_MAX_AGE_S = 8 * 60 * 60;

export function authOptions(
  config: AuthConfig,
  findUser: FindUserByEmail = findUserInCore,
): NextAuthOptions {
  const secure = config.url.startsWith("https://");
  // Computed before the first sign-in, so not even the first unknown email pays for it. Memoized;
  // a failure surfaces (rejected) when a sign-in awaits it.
  hashForUnknownUsers().catch((err: unknown) => console.error("dummy password hash failed", err));
  return {
    secret: config.secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    jwt: {
      maxAge: SESSION_MAX_AGE_S,
      decode: decodeWithPreviousKeys(config.previousSecrets ?? []),
    },
    useSecureCookies: secure,
    cookies: authCookies(config.app, secure),
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      ...(config.identity ? [agoraIdentityProvider(config.identity)] : []),
      ...(config.directPasswordSignIn ? [passwordProvider(config, findUser)] : []),
    ],
    events: {
      // Signing out revokes the token itself, not only the cookie: a copy of it is refused too.
      // next-auth logs a failure here as SIGNOUT_ERROR; the cookie is cleared either way.
      async signOut({ token }) {
        if (token?.sub) await config.revocation.epochs.revoke(token.sub);
      },
    },
    callbacks: {
      jwt({ token, user }) {
        // `user` is only present right after sign-in; later requests reuse the token's claims.
        if (user) {
          token.sub = user.id;
          token.email = user.email;
          token.name = user.name;
          token.roles = user.roles;
          if (user.vendorId) token.vendorId = user.vendorId;
          else delete token.vendorId;
          token.epoch = user.epoch ?? 0;
          token.aud = config.app;
        }
        return token;
      },
      session({ session, token }) {
        session.user = {
          id: token.sub ?? "",
          email: token.email ?? "",
          name: token.name ?? "",
          roles: token.roles ?? [],
          ...(token.vendorId ? { vendorId: token.vendorId } : {}),
        };
        return session;
      },
      redirect({ url, baseUrl }) {
        // Only same-site targets: an attacker's callbackUrl must not turn sign-in into a redirector.
        const target = new URL(url, baseUrl);
        return target.origin === new URL(baseUrl).origin ? target.href : baseUrl;
      },
    },
  };
}

/** email + password checked here, behind the same throttle (see `directPasswordSignIn`). */
function passwordProvider(config: AuthConfig, findUser: FindUserByEmail) {
  return CredentialsProvider({
    name: "Email",
    credentials: {
      email: { label: "Email", type: "email" },
      password: { label: "Password", type: "password" },
    },
    async authorize(credentials, req) {
      const throttle = config.signInThrottle;
      if (!throttle) return verifyCredentials(credentials, findUser);
      const email = credentialsInput.shape.email.safeParse(credentials?.email);
      const attempt = {
        email: email.success ? email.data : null,
        headers: new Headers(req.headers as Record<string, string> | undefined),
      };
      // Throws SignInThrottledError: next-auth passes its message on as the error code.
      await throttle.admit(attempt);
      const user = await verifyCredentials(credentials, findUser);
      // Best effort: a count that is not reset only means the account's window runs out later.
      if (user) await throttle.succeeded?.(attempt).catch(() => {});
      return user;
    },
  });
}
