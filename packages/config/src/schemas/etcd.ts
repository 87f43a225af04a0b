/** etcd: leader election with fencing tokens, service registry. */
import { z } from "zod";
import { baseUrl, commaList } from "./primitives.ts";

export const etcdSchema = z.object({
  AGORA_ETCD_ENDPOINTS: commaList(baseUrl),
  AGORA_ETCD_PREFIX: z
    .string({ message: "required (key prefix, e.g. /agora-dev/)" })
    .regex(/^\/.*\/$/, "must start and end with /"),
});
