/**
 * Each app as a client of Agora's own OpenID Connect provider (apps/identity): its client id, its
 * callback URL (derived from the app's public URL, never written out by hand) and its client
 * secret, which lives only in the secrets provider (KV `identity/clients/<client id>`). Both sides
 * read the same path: the provider registers the client with the secret's SHA-256, the app
 * authenticates at the token endpoint with the secret itself. Whichever side starts first creates
 * it (check-and-set 0, so two starters agree on one secret).
 */
import { randomBytes } from "node:crypto";
import {
  SecretNotFoundError,
  type SecretsProvider,
  secretsFromEnv,
  VersionConflictError,
} from "@agora/secrets";
import type { AuthApp } from "./cookies.ts";
import { IDENTITY_PROVIDER_ID } from "./identity-provider-id.ts";

export { IDENTITY_PROVIDER_ID };

export const IDENTITY_CLIENT_ID: Record<AuthApp, string> = {
  storefront: "agora-storefront",
  "vendor-portal": "agora-vendor-portal",
  "ops-console": "agora-ops-console",
};

/** What the provider's sign-in page calls each app. */
export const IDENTITY_CLIENT_NAME: Record<AuthApp, string> = {
  storefront: "Agora",
  "vendor-portal": "Agora Vendors",
  "ops-console": "Agora Ops",
};

/** Where the provider sends the browser back with the code: next-auth's callback route of the app. */
export function identityCallbackUrl(appUrl: string): string {
  return new URL(`/api/auth/callback/${IDENTITY_PROVIDER_ID}`, appUrl).href;
}

const secretPath = (app: AuthApp) => `identity/clients/${IDENTITY_CLIENT_ID[app]}`;

/** The app's client secret: read from the secrets provider, created there on first use. */
export async function identityClientSecret(
  app: AuthApp,
  secrets: SecretsProvider = secretsFromEnv(),
): Promise<string> {
  const path = secretPath(app);
  const read = async () => {
    const { data } = await secrets.kv.read(path);
    if (!data.client_secret) throw new Error(`${path} holds no client_secret`);
    return data.client_secret;
  };
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof SecretNotFoundError)) throw err;
  }
  try {
    await secrets.kv.write(
      path,
      { client_secret: randomBytes(32).toString("base64url") },
      { cas: 0 },
    );
  } catch (err) {
    // Another process created it in between: theirs is the one.
    if (!(err instanceof VersionConflictError)) throw err;
  }
  return read();
}

/** The provider settings of one app's next-auth options. */
export interface IdentityClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}
