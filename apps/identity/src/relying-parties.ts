/**
 * Agora's three apps as the provider's relying parties: client id and name from @agora/auth, the
 * redirect URI from each app's public URL (the topology's producers give AGORA_*_URL; nothing here
 * knows a scheme or a port), and the client secret's SHA-256 from the secrets provider (created
 * there on first use, read by the app with the same call).
 */
import { hashKey } from "@agora/api/vendor-api-keys";
import {
  type AuthApp,
  IDENTITY_CLIENT_ID,
  IDENTITY_CLIENT_NAME,
  identityCallbackUrl,
  identityClientSecret,
} from "@agora/auth";
import type { SecretsProvider } from "@agora/secrets";
import type { RelyingParty } from "./provider.ts";

/** Each app's public origin (its NEXTAUTH_URL default). */
export type AppUrls = Record<AuthApp, string>;

export async function agoraRelyingParties(
  urls: AppUrls,
  secrets?: SecretsProvider,
): Promise<RelyingParty[]> {
  const apps = Object.keys(urls) as AuthApp[];
  return Promise.all(
    apps.map(async (app) => ({
      clientId: IDENTITY_CLIENT_ID[app],
      clientName: IDENTITY_CLIENT_NAME[app],
      secretHash: hashKey(await identityClientSecret(app, secrets)),
      redirectUris: [identityCallbackUrl(urls[app])],
    })),
  );
}
