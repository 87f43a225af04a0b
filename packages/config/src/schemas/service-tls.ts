/**
 * A process's service identity for mutual TLS between internal services: the CA every internal
 * certificate chains to, and the pair issued for this process's service name (`inventory`,
 * `workers`, `ops-console`, …). Servers (the inventory service, the collector's query API)
 * present the pair and refuse a client without one; clients present it. Unset: plain connections
 * (a development run without the local PKI) — production refuses to start without the three files,
 * so a deployment that forgot to mount them stops instead of talking plaintext.
 */
import { z } from "zod";
import { runtimeSchema } from "./listen.ts";

/** The three files go together; in production (`AGORA_ENV=production`) each of `keys` is required. */
export function requireTlsFiles<K extends string>(keys: readonly K[], what: string) {
  return (env: { AGORA_ENV?: string } & Partial<Record<K, string | undefined>>, ctx: z.RefinementCtx) => {
    const set = keys.filter((k) => env[k]);
    const production = env.AGORA_ENV === "production";
    if (set.length === keys.length || (set.length === 0 && !production)) return;
    for (const key of keys)
      if (!env[key])
        ctx.addIssue({
          code: "custom",
          path: [key],
          message:
            set.length === 0
              ? `required in production (${what}: no plaintext internal links)`
              : `required with the other ${what} files (CA, certificate and key go together)`,
        });
  };
}

const SERVICE_TLS_KEYS = ["AGORA_TLS_CA_FILE", "AGORA_TLS_CERT_FILE", "AGORA_TLS_KEY_FILE"] as const;

export const serviceTlsSchema = z
  .object({
    AGORA_ENV: runtimeSchema.shape.AGORA_ENV,
    AGORA_TLS_CA_FILE: z.string().min(1).optional(),
    AGORA_TLS_CERT_FILE: z.string().min(1).optional(),
    AGORA_TLS_KEY_FILE: z.string().min(1).optional(),
  })
  .superRefine(requireTlsFiles(SERVICE_TLS_KEYS, "AGORA_TLS_*"));

export type ServiceTlsSettings = z.infer<typeof serviceTlsSchema>;
