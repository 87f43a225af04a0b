/** Redis, always through Sentinel (a restarted old master stays writable for a while). */
import { z } from "zod";
import { commaList, hostPort } from "./primitives.ts";
import { secretsSchema } from "./secrets.ts";
import { requireTlsFiles } from "./service-tls.ts";

export const redisSchema = secretsSchema(
  {
    AGORA_REDIS_SENTINELS: commaList(hostPort),
    AGORA_REDIS_MASTER_NAME: z.string({ message: "required (Sentinel master name)" }).min(1),
    /** The Redis nodes' password (`requirepass`): every connection authenticates with it. */
    AGORA_REDIS_PASSWORD: z.string().min(1).optional(),
    /** The Sentinels' own password, when they have one. */
    AGORA_REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
    /**
     * CA file (PEM) the Redis nodes' and Sentinels' certificates chain to: when set, every
     * connection (to a Sentinel and to the master it names) is TLS, verified against it.
     */
    AGORA_REDIS_TLS_CA_FILE: z.string().min(1).optional(),
    /**
     * The client pair (PEM) every such connection presents: the nodes and Sentinels refuse a
     * handshake without a certificate of their CA (`tls-auth-clients yes`), the password on top.
     * The process's service identity.
     */
    AGORA_REDIS_TLS_CERT_FILE: z.string().min(1).optional(),
    AGORA_REDIS_TLS_KEY_FILE: z.string().min(1).optional(),
  },
  // Production: a password, and the TLS files below.
  { productionOnly: ["AGORA_REDIS_PASSWORD"] },
)
  // CA, certificate and key go together; production requires the three (no plaintext link to
  // Redis or the Sentinels, and none without a client certificate).
  .superRefine(
    requireTlsFiles(
      ["AGORA_REDIS_TLS_CA_FILE", "AGORA_REDIS_TLS_CERT_FILE", "AGORA_REDIS_TLS_KEY_FILE"] as const,
      "AGORA_REDIS_TLS_*",
    ),
  );
