import { placeCheckoutInput } from "../checkout/checkout.schema.ts";
import { paymentConfig } from "../checkout/payment-config.ts";
import { paymentsStatus } from "../checkout/payments-status.ts";
import { placeCheckout } from "../checkout/place-checkout.ts";
import { createTRPCRouter, permissionProcedure, publicProcedure } from "../trpc.ts";

export const checkoutRouter = createTRPCRouter({
  /** Where the browser tokenizes the card (the provider's hosted card step) and the test cards. */
  paymentConfig: publicProcedure.query(() => paymentConfig()),
  /** False while the payment breaker is open: the checkout page says so and waits. */
  paymentsStatus: publicProcedure.query(() => paymentsStatus()),
  /**
   * The cart becomes an order; same idempotency key → same order. SERVICE_UNAVAILABLE with
   * domainCode PAYMENTS_UNAVAILABLE at once while the payment breaker is open.
   */
  place: permissionProcedure("orders:place")
    .input(placeCheckoutInput)
    .mutation(({ ctx, input }) => placeCheckout(ctx, input)),
});
