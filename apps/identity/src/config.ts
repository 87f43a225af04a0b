/** What the identity provider reads at start-up (one error names every variable at fault). */
import {
  identityClientsStoreSchema,
  identityProviderSchema,
  listenSchema,
  loadConfig,
  redisSchema,
  secretsProviderSchema,
  servicesSchema,
  serviceTlsSchema,
  type EnvSource,
} from "@agora/config";

export function loadIdentityEnv(source: EnvSource = process.env) {
  return loadConfig(
    {
      listen: listenSchema,
      identity: identityProviderSchema,
      redis: redisSchema,
      // Its service identity, as every process has (required in production).
      tls: serviceTlsSchema,
      // Signing keys sealed by the secrets provider; the apps' client secrets (mounted in production).
      secrets: secretsProviderSchema,
      identityClients: identityClientsStoreSchema,
      // The three apps are its relying parties: their origins give the redirect URIs.
      apps: servicesSchema.pick({
        AGORA_STOREFRONT_URL: true,
        AGORA_VENDOR_PORTAL_URL: true,
        AGORA_OPS_CONSOLE_URL: true,
      }),
    },
    source,
  );
}
