/**
 * Agora's three apps as the provider's relying parties: client id and name from @agora/auth, the
 * redirect URI from each app's public URL (the topology's producers give AGORA_*_URL; nothing here
 * knows a scheme or a port), and the client secret's SHA-256 from the clients' store (created
 * there on first use where the process owns the store, read by the app with the same call). The
 * accepted hashes are read at each token request, so a rotation counts without a restart.
 */
import { hashKey } from "@agora/api/vendor-api-keys";
import {
  type AuthApp,
  IDENTITY_CLIENT_ID,
  IDENTITY_CLIENT_NAME,
  identityCallbackUrl,
  acceptedClientSecrets,
  identityClientSecret,
  identityClientsStore,
  identitySignedOutUrl,
} from "@agora/auth";
import type { SecretsProvider } from "@agora/secrets";
import type { RelyingParty } from "./provider.ts";

/** Each app's public origin (its NEXTAUTH_URL default). */
export type AppUrls = Record<AuthApp, string>;

export async function agoraRelyingParties(
  urls: AppUrls,
  secrets?: SecretsProvider,
): Promise<RelyingParty[]> {
  const store = secrets ?? identityClientsStore();
  const apps = Object.keys(urls) as AuthApp[];
  return Promise.all(
    apps.map(async (app) => {
      // Created on first use where this process owns the store; refused at start when missing.
      await identityClientSecret(app, store);
      const readable = "kv" in store ? store : store.secrets;
      return {
        clientId: IDENTITY_CLIENT_ID[app],
        clientName: IDENTITY_CLIENT_NAME[app],
        secretHashes: async () => (await acceptedClientSecrets(app, readable)).map(hashKey),
        redirectUris: [identityCallbackUrl(urls[app])],
        postLogoutRedirectUris: [identitySignedOutUrl(urls[app])],
      };
    }),
  );
}
