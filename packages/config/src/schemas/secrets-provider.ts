/** Where a process reads its secrets and key-encryption keys from (see @agora/secrets). */
import { z } from "zod";

export const secretsProviderSchema = z.object({
  /**
   * `file`: a 0600 JSON store in a local folder (development, tests, a Secret volume). Another
   * backend (e.g. Vault over HTTP) plugs in behind the same `SecretsProvider` interface.
   */
  AGORA_SECRETS_PROVIDER: z.enum(["file"]).default("file"),
  /** The file provider's folder; the local topology puts it in its state folder. */
  AGORA_SECRETS_DIR: z.string({ message: "required (folder of the file secrets provider)" }).min(1),
  /** Who this process is in the secrets audit log. */
  AGORA_SERVICE_NAME: z.string().min(1).default("unknown"),
});

export type SecretsProviderSettings = z.infer<typeof secretsProviderSchema>;
