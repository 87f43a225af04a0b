/**
 * `checkout.paymentConfig`: where the browser sends the card (the provider's hosted card step,
 * so neither the storefront nor Agora's database ever sees a card number) and the simulator's
 * test cards for the checkout page to offer.
 */
import { topology } from "@agora/infra-local/topology";
import { z } from "zod";
import type { PaymentConfig } from "./checkout.schema.ts";

const envSchema = z.object({
  /** The provider's public base URL as browsers reach it; default: the local simulator. */
  PAYMENT_SIM_PUBLIC_URL: z.url().optional(),
});

export const TEST_CARDS: PaymentConfig["testCards"] = [
  { number: "4242424242424242", label: "Visa ending 4242", outcome: "success" },
  { number: "4000000000000002", label: "Visa ending 0002", outcome: "declined" },
  { number: "4000000000009995", label: "Visa ending 9995", outcome: "insufficient_funds" },
  { number: "4000000000000119", label: "Visa ending 0119", outcome: "timeout" },
];

export function paymentConfig(
  env: Record<string, string | undefined> = process.env,
): PaymentConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(`invalid PAYMENT_SIM_PUBLIC_URL: ${parsed.error.issues[0]?.message}`);
  const base =
    parsed.data.PAYMENT_SIM_PUBLIC_URL ?? `http://127.0.0.1:${topology().apps.paymentSim}`;
  return {
    tokenizeUrl: `${base.replace(/\/$/, "")}/v1/payment-methods`,
    testCards: TEST_CARDS.map((c) => ({ ...c })),
  };
}
