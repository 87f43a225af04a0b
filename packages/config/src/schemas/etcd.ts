/** etcd: leader election with fencing tokens, service registry. */
import { z } from "zod";
import { runtimeSchema } from "./listen.ts";
import { baseUrl, commaList } from "./primitives.ts";
import { requireTlsFiles } from "./service-tls.ts";

export const etcdSchema = z.object({
  AGORA_ETCD_ENDPOINTS: commaList(baseUrl),
  AGORA_ETCD_PREFIX: z
    .string({ message: "required (key prefix, e.g. /agora-dev/)" })
    .regex(/^\/.*\/$/, "must start and end with /"),
});

/**
 * etcd's mutual TLS: the CA its members' certificates chain to and the client pair to present
 * (PEM files). Unset: plain connections (a development etcd without TLS); required in production.
 */
export const etcdTlsSchema = z
  .object({
    AGORA_ENV: runtimeSchema.shape.AGORA_ENV,
    AGORA_ETCD_CA_FILE: z.string().min(1).optional(),
    AGORA_ETCD_CERT_FILE: z.string().min(1).optional(),
    AGORA_ETCD_KEY_FILE: z.string().min(1).optional(),
  })
  .superRefine(
    requireTlsFiles(["AGORA_ETCD_CA_FILE", "AGORA_ETCD_CERT_FILE", "AGORA_ETCD_KEY_FILE"] as const, "AGORA_ETCD_*"),
  );
