/** Redis, always through Sentinel (a restarted old master stays writable for a while). */
import { z } from "zod";
import { commaList, hostPort } from "./primitives.ts";
import { secretsSchema } from "./secrets.ts";

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
  },
  // Production: a password and TLS (no plaintext link to Redis or the Sentinels).
  { productionOnly: ["AGORA_REDIS_PASSWORD", "AGORA_REDIS_TLS_CA_FILE"] },
);
