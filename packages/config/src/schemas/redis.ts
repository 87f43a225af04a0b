/** Redis, always through Sentinel (a restarted old master stays writable for a while). */
import { z } from "zod";
import { commaList, hostPort } from "./primitives.ts";

export const redisSchema = z.object({
  AGORA_REDIS_SENTINELS: commaList(hostPort),
  AGORA_REDIS_MASTER_NAME: z.string({ message: "required (Sentinel master name)" }).min(1),
  AGORA_REDIS_PASSWORD: z.string().min(1).optional(),
});
