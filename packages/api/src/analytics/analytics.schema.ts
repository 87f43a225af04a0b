/** Inputs of `vendor.analytics.*`; the tenant always comes from the session, never from here. */
import { z } from "zod";

const MAX_SPAN = { hour: 14, day: 366 } as const;

export const revenueSeriesInput = z
  .object({
    granularity: z.enum(["hour", "day"]).default("day"),
    /** Defaults: the last 48 hours for hours, the last 30 days for days. */
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  })
  .refine((i) => !i.from || !i.to || i.from < i.to, { message: "from must be before to" })
  .refine(
    (i) =>
      !i.from ||
      !i.to ||
      i.to.getTime() - i.from.getTime() <= MAX_SPAN[i.granularity] * 24 * 3600 * 1000,
    { message: "range too long: at most 14 days of hours or 366 days of days" },
  );

export const periodInput = z.object({
  /** Whole UTC days up to and including today. */
  days: z.number().int().min(1).max(366).default(30),
});

export const topProductsInput = periodInput.extend({
  limit: z.number().int().min(1).max(50).default(10),
});

export const stockHealthInput = z.object({
  limit: z.number().int().min(1).max(200).default(50),
});
