/** The process's secrets provider, from its settings (`@agora/config`'s secretsProviderSchema). */
import { loadConfig, secretsProviderSchema, type EnvSource } from "@agora/config";
import { fileSecretsProvider } from "./file/file-provider.ts";
import type { SecretsProvider } from "./provider.ts";

let shared: SecretsProvider | undefined;

export function secretsFromEnv(source: EnvSource = process.env): SecretsProvider {
  if (source === process.env && shared) return shared;
  const settings = loadConfig(secretsProviderSchema, source);
  const provider = fileSecretsProvider({ dir: settings.AGORA_SECRETS_DIR, actor: settings.AGORA_SERVICE_NAME });
  if (source === process.env) shared = provider;
  return provider;
}
