/**
 * The payments pool's routing table: what each provider charges (a fixed fee plus basis points of
 * the amount). The router sends a payment to the cheapest healthy provider that settles its
 * currency, so these numbers decide the normal split; failover ignores them.
 */
import { z } from "zod";

const bps = z.coerce.number().int().min(0).max(10_000);
const cents = z.coerce.number().int().min(0).max(100_000);

export const paymentRoutingSchema = z.object({
  PAYMENT_FEE_CARD_BPS: bps.default(250),
  PAYMENT_FEE_CARD_FIXED_CENTS: cents.default(25),
  PAYMENT_FEE_PAYSWIFT_BPS: bps.default(290),
  PAYMENT_FEE_PAYSWIFT_FIXED_CENTS: cents.default(30),
});

export type PaymentRoutingSettings = z.infer<typeof paymentRoutingSchema>;
