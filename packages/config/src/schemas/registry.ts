/** What a server process publishes about itself in the service registry (etcd). */
import { z } from "zod";

export const registrySchema = z.object({
  /** The region this instance runs in (eu, us). */
  AGORA_REGION: z.string().regex(/^[a-z0-9-]{1,32}$/).default("eu"),
  /** The build it runs (image tag, commit); `dev` for a local checkout. */
  AGORA_VERSION: z.string().min(1).max(64).default("dev"),
  /** host:port others reach it at, when that is not HOST:PORT (e.g. HOST is 0.0.0.0). */
  AGORA_ADVERTISE_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, "host:port").optional(),
});
