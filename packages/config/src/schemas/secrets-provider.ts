/** Where a process reads its secrets and key-encryption keys from (see @agora/secrets). */
import { z } from "zod";
import { runtimeSchema } from "./listen.ts";

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

/**
 * Where the OpenID Connect clients' secrets (KV `identity/clients/<client id>`) are read from: a
 * folder holding a store of the file provider's format (`secrets.json`), read-only — on
 * Kubernetes the Secret `agora-identity-clients` mounted as a volume, so its secrets are created
 * and rotated by the operator, never by a starting pod. Unset: the process's own store (the local
 * topology, where the first reader creates them). Production requires it.
 */
export const identityClientsStoreSchema = z
  .object({
    AGORA_ENV: runtimeSchema.shape.AGORA_ENV,
    AGORA_IDENTITY_CLIENTS_DIR: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.AGORA_ENV === "production" && !env.AGORA_IDENTITY_CLIENTS_DIR)
      ctx.addIssue({
        code: "custom",
        path: ["AGORA_IDENTITY_CLIENTS_DIR"],
        message: "required in production (the mounted store of the sign-in clients' secrets)",
      });
  });
