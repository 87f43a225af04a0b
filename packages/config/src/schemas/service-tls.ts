/**
 * A process's service identity for mutual TLS between internal services: the CA every internal
 * certificate chains to, and the pair issued for this process's service name (`inventory`,
 * `workers`, `ops-console`, …). Servers (the inventory service, the collector's query API)
 * present the pair and refuse a client without one; clients present it. Unset: plain connections
 * (a development run without the local PKI).
 */
import { z } from "zod";

export const serviceTlsSchema = z
  .object({
    AGORA_TLS_CA_FILE: z.string().min(1).optional(),
    AGORA_TLS_CERT_FILE: z.string().min(1).optional(),
    AGORA_TLS_KEY_FILE: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    const set = [env.AGORA_TLS_CA_FILE, env.AGORA_TLS_CERT_FILE, env.AGORA_TLS_KEY_FILE].filter(Boolean);
    if (set.length !== 0 && set.length !== 3)
      for (const key of ["AGORA_TLS_CA_FILE", "AGORA_TLS_CERT_FILE", "AGORA_TLS_KEY_FILE"] as const)
        if (!env[key])
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "required with the other AGORA_TLS_* files (CA, certificate and key go together)",
          });
  });

export type ServiceTlsSettings = z.infer<typeof serviceTlsSchema>;
