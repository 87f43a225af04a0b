/** The process's secrets provider, from its settings (`@agora/config`'s secretsProviderSchema). */
import { identityClientsStoreSchema, loadConfig, secretsProviderSchema, type EnvSource } from "@agora/config";
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

/** The store of the sign-in clients' secrets, and whether the deployment provides it (read-only). */
export interface ClientsStore {
  secrets: SecretsProvider;
  provided: boolean;
}

let clients: ClientsStore | undefined;

/**
 * AGORA_IDENTITY_CLIENTS_DIR (a mounted store of the same format, e.g. a Kubernetes Secret) if
 * set, else the process's own store. Reads of a mounted store are audited in the process's own
 * (writable) store folder.
 */
export function identityClientsStore(source: EnvSource = process.env): ClientsStore {
  if (source === process.env && clients) return clients;
  const { AGORA_IDENTITY_CLIENTS_DIR: dir } = loadConfig(identityClientsStoreSchema, source);
  let store: ClientsStore;
  if (dir) {
    const own = loadConfig(secretsProviderSchema, source);
    store = {
      secrets: fileSecretsProvider({ dir, actor: own.AGORA_SERVICE_NAME, auditDir: own.AGORA_SECRETS_DIR }),
      provided: true,
    };
  } else store = { secrets: secretsFromEnv(source), provided: false };
  if (source === process.env) clients = store;
  return store;
}
