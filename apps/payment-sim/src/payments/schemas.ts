import { z } from "zod";

/** Largest single amount the provider accepts (999,999.99 in a two-decimal currency). */
export const MAX_AMOUNT_CENTS = 99_999_999;

const amountCents = z.number().int().positive().max(MAX_AMOUNT_CENTS);

export const cardSchema = z.strictObject({
  number: z.string().regex(/^\d{12,19}$/, "12-19 digits, no spaces"),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(2000).max(2100),
  cvc: z.string().regex(/^\d{3,4}$/, "3 or 4 digits"),
});

/** The hosted card step: the browser sends the card here, and only here. */
export const paymentMethodBodySchema = z.strictObject({ card: cardSchema });

/** Exactly one of `card` (server-to-server) or `paymentMethodId` (a token from the card step). */
export const authorizeBodySchema = z
  .strictObject({
    amountCents,
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "ISO 4217 code, e.g. EUR")
      .transform((c) => c.toUpperCase()),
    orderId: z.string().min(1).max(200),
    card: cardSchema.optional(),
    paymentMethodId: z
      .string()
      .regex(/^pm_[A-Za-z0-9]+$/, "a payment method id, pm_…")
      .optional(),
  })
  .refine((b) => (b.card === undefined) !== (b.paymentMethodId === undefined), {
    message: "send exactly one of card or paymentMethodId",
    path: ["paymentMethodId"],
  });

export const captureBodySchema = z.strictObject({
  /** Omitted: capture the full authorized amount. */
  amountCents: amountCents.optional(),
});

export const voidBodySchema = z.strictObject({});

export const refundBodySchema = z.strictObject({
  /** Omitted: refund whatever is still refundable. */
  amountCents: amountCents.optional(),
  reason: z.string().max(500).optional(),
});

/** By order, or (for reconciliation) every payment created at or after `createdAfter`. */
export const listPaymentsQuerySchema = z.strictObject({
  orderId: z.string().min(1).max(200).optional(),
  createdAfter: z.iso.datetime().optional(),
});

export type PaymentMethodBody = z.infer<typeof paymentMethodBodySchema>;
export type AuthorizeBody = z.infer<typeof authorizeBodySchema>;
export type CaptureBody = z.infer<typeof captureBodySchema>;
export type RefundBody = z.infer<typeof refundBodySchema>;
