/**
 * `checkout.paymentConfig`: where the browser sends the card (the provider's hosted card step,
 * so neither the storefront nor Agora's database ever sees a card number) and the simulator's
 * test cards for the checkout page to offer.
 */
import { loadConfig, servicesSchema } from "@agora/config";
import type { PaymentConfig } from "./checkout.schema.ts";

/** The provider as browsers reach it: its public URL, else the one Agora's servers use. */
const envSchema = servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true, AGORA_PAYMENT_PROVIDER_PUBLIC_URL: true });

export const TEST_CARDS: PaymentConfig["testCards"] = [
  { number: "4242424242424242", label: "Visa ending 4242", outcome: "success" },
  { number: "4000000000000002", label: "Visa ending 0002", outcome: "declined" },
  { number: "4000000000009995", label: "Visa ending 9995", outcome: "insufficient_funds" },
  { number: "4000000000000119", label: "Visa ending 0119", outcome: "timeout" },
];

export function paymentConfig(
  env: Record<string, string | undefined> = process.env,
): PaymentConfig {
  const cfg = loadConfig(envSchema, env);
  const base = cfg.AGORA_PAYMENT_PROVIDER_PUBLIC_URL ?? cfg.AGORA_PAYMENT_PROVIDER_URL;
  return {
    tokenizeUrl: `${base}/v1/payment-methods`,
    testCards: TEST_CARDS.map((c) => ({ ...c })),
  };
}
