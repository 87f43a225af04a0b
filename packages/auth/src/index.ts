/**
 * @agora/auth — who is calling. next-auth v4 options for the three apps (sign-in through Agora's
 * OpenID Connect provider, JWT sessions),
 * `getSession` for route handlers and the tRPC context. What a role may do lives in
 * @agora/api (src/auth/permissions.ts), not here.
 */
export { ROLES, VENDOR_ROLES, isRole, type Role } from "./roles.ts";
export { sessionFromToken, type AgoraSession, type AgoraClaims } from "./session.ts";
export {
  credentialsInput,
  verifyCredentials,
  findUserInCore,
  toAuthenticatedUser,
  type CredentialsInput,
  type StoredUser,
  type FindUserByEmail,
  type AuthenticatedUser,
} from "./credentials.ts";
export { authCookies, sessionCookieName, type AuthApp } from "./cookies.ts";
export { authOptions, SESSION_MAX_AGE_S, type AuthConfig } from "./options.ts";
export { getSession, parseCookieHeader } from "./get-session.ts";
export { decodeWithPreviousKeys, sessionSecretFor } from "./session-keys.ts";
export {
  SIGN_IN_THROTTLED,
  SignInThrottledError,
  throttledRetryAfter,
  withThrottleStatus,
  type SignInAttempt,
  type SignInThrottle,
} from "./sign-in-throttle.ts";
export { unlessRevoked, type RevocationPolicy, type SessionEpochs } from "./revocation.ts";
export {
  IDENTITY_CLIENT_ID,
  IDENTITY_CLIENT_NAME,
  IDENTITY_PROVIDER_ID,
  acceptedClientSecrets,
  CLIENT_SECRET_FIELDS,
  type ClientSecretRotation,
  identityCallbackUrl,
  identityClientSecret,
  identityClientSecretPath,
  identityClientsStore,
  identitySignedOutUrl,
  type IdentityClient,
  rotateIdentityClientSecret,
} from "./identity-client.ts";
export {
  agoraIdentityProvider,
  identityClaims,
  userFromClaims,
  type IdentityClaims,
} from "./identity-provider.ts";
