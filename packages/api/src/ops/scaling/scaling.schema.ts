import { z } from "zod";

/** A spike from the console: bounded like `npm run spike` (tools/bench/src/spike). */
export const startSpikeInput = z.object({
  durationS: z.number().int().min(30).max(900).default(180),
  connections: z.number().int().min(1).max(64).default(40),
  shoppers: z.number().int().min(0).max(20).default(5),
  autoscale: z.boolean().default(true),
});
export type StartSpikeInput = z.infer<typeof startSpikeInput>;
