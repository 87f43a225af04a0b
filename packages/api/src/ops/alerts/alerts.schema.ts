import { matcherSchema } from "@agora/alerting";
import { z } from "zod";

export const acknowledgeAlertInput = z.object({ alertId: z.uuid() });

export const createSilenceInput = z.object({
  matchers: z.array(matcherSchema).min(1).max(8),
  /** From one minute to one week. */
  durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
  comment: z.string().trim().min(1).max(500),
});
export type CreateSilenceInput = z.infer<typeof createSilenceInput>;

export const expireSilenceInput = z.object({ silenceId: z.uuid() });
