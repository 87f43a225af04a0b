/** Inputs of the Regions page's procedures (ops.regions.*). */
import { z } from "zod";

export const REGION_LINK_MODES = ["healthy", "cut", "one-way", "flaky"] as const;

/** A change of the region link: its mode, its round trip, or both (the CLI's bounds). */
export const setRegionLinkInput = z
  .object({
    mode: z.enum(REGION_LINK_MODES).optional(),
    rttMs: z.number().int().min(0).max(5_000).optional(),
  })
  .refine((c) => c.mode !== undefined || c.rttMs !== undefined, { message: "name a mode or a round trip" });
export type SetRegionLinkInput = z.infer<typeof setRegionLinkInput>;

export const regionsOverviewInput = z.object({ minutes: z.number().int().positive().max(60).default(15) }).default({ minutes: 15 });
