import { paymentMethodIdSchema, SHIPPING_OPTIONS, shippingAddressSchema } from "@agora/orders";
import { z } from "zod";

export const placeCheckoutInput = z.object({
  /** Minted by the checkout page once per attempt; a double click or retry reuses it. */
  idempotencyKey: z.string().min(8).max(200),
  address: shippingAddressSchema,
  /** vendorId → shipping option id (see @agora/orders SHIPPING_OPTIONS); missing vendors ship standard. */
  shipping: z
    .record(z.uuid(), z.enum(SHIPPING_OPTIONS.map((o) => o.id) as [string, ...string[]]))
    .default({}),
  /** The token the payment provider's hosted card step returned; never a card number. */
  paymentMethodId: paymentMethodIdSchema,
});

export interface PaymentConfig {
  tokenizeUrl: string;
  testCards: { number: string; label: string; outcome: string }[];
}
