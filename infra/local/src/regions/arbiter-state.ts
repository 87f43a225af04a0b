/** What a region's arbiter last decided (arbiter-process.ts writes it once a second): CLI, console, tests. */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { RemoteRegion } from "../topology.ts";

export const arbiterStateSchema = z.object({
  region: z.string(),
  mode: z.enum(["auto", "manual"]),
  pid: z.number(),
  at: z.string(),
  decision: z.object({ kind: z.string(), reason: z.string() }).passthrough(),
  promotion: z
    .object({
      id: z.string(),
      decidedAt: z.number(),
      fencedAt: z.number(),
      promotedAt: z.number(),
      storefrontsAt: z.number().nullable(),
      workersAt: z.number().nullable(),
    })
    .optional(),
});
export type ArbiterState = z.infer<typeof arbiterStateSchema>;

export function readArbiterState(r: Pick<RemoteRegion, "arbiter">): ArbiterState | undefined {
  if (!existsSync(r.arbiter.stateFile)) return undefined;
  const parsed = arbiterStateSchema.safeParse(JSON.parse(readFileSync(r.arbiter.stateFile, "utf8")));
  return parsed.success ? parsed.data : undefined;
}
