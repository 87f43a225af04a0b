/**
 * PaySwift's request shapes: amounts are decimal strings in major units ("12.34"), the order is a
 * `reference`, the card a `source.token`. Only two-decimal currencies exist at PaySwift.
 */
import { z } from "zod";

/** PaySwift settles in these currencies only; anything else is refused as `currency_unsupported`. */
export const PAYSWIFT_CURRENCIES = ["EUR", "GBP", "CHF"] as const;

/** Up to 999999.99, always written with exactly two decimals. */
export const decimalAmount = z
  .string()
  .regex(/^(0|[1-9]\d{0,5})\.\d{2}$/, 'a decimal string with two places, e.g. "12.34"')
  .refine((v) => v !== "0.00", "must be more than 0.00");

export const chargeBodySchema = z.strictObject({
  reference: z.string().min(1).max(200),
  amount: z.strictObject({
    value: decimalAmount,
    currency: z.enum(PAYSWIFT_CURRENCIES, { message: "currency_unsupported" }),
  }),
  source: z.strictObject({
    token: z.string().regex(/^pm_[A-Za-z0-9]+$/, "a vaulted card token, pm_…"),
  }),
});

/** Omitted: settle the whole held amount. */
export const settleBodySchema = z.strictObject({ amount: decimalAmount.optional() });
export const releaseBodySchema = z.strictObject({});
export const returnBodySchema = z.strictObject({
  amount: decimalAmount.optional(),
  note: z.string().max(500).optional(),
});
export const listChargesQuerySchema = z.strictObject({
  reference: z.string().min(1).max(200).optional(),
  /** Epoch seconds: charges created at or after. */
  since: z.coerce.number().int().min(0).optional(),
});

export type ChargeBody = z.infer<typeof chargeBodySchema>;

/** "12.34" → 1234; the schema guarantees two decimals. */
export function toMinor(value: string): number {
  const [whole = "0", frac = "00"] = value.split(".");
  return Number(whole) * 100 + Number(frac);
}

/** 1234 → "12.34". */
export function toDecimal(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}
