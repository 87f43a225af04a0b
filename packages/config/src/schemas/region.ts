/**
 * Where a process runs and where the data it must not fork lives (docs/adr/0010). `AGORA_REGION`
 * is also what it publishes in the service registry (registry.ts reads the same key).
 */
import { z } from "zod";

const regionName = z.string().regex(/^[a-z0-9-]{1,32}$/, "a region name: lower-case, digits and -");

export const regionSchema = z.object({
  AGORA_REGION: regionName.default("eu"),
  /** The region of the `core` primary: orders and the ledger are written there only (CP). */
  AGORA_CORE_REGION: regionName.default("eu"),
  /**
   * Outside the core region: the local copy of core older than this means the link to the core
   * region is down (its heartbeat stopped arriving), and checkout pauses instead of hanging.
   */
  AGORA_PARTITION_AFTER_MS: z.coerce.number().int().min(1_000).max(600_000).default(5_000),
  /** Outside the core region: how long checkout waits for the core primary's answer to a probe. */
  AGORA_CORE_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /**
   * Where each vendor shard's primary runs, `shard-1=eu,shard-2=eu` (the topology writes it); a
   * shard not named is in AGORA_CORE_REGION. A vendor is placed on a shard of its home region.
   */
  AGORA_SHARD_REGIONS: z
    .string()
    .default("")
    .transform((s, ctx) => {
      const out: Record<string, string> = {};
      for (const pair of s.split(",").map((x) => x.trim()).filter((x) => x !== "")) {
        const [shard, region, ...rest] = pair.split("=");
        if (!shard || !region || rest.length > 0 || !regionName.safeParse(region).success) {
          ctx.addIssue({ code: "custom", message: `"${pair}" is not shard=region` });
          return z.NEVER;
        }
        out[shard] = region;
      }
      return out;
    }),
});
export type RegionSettings = z.infer<typeof regionSchema>;
