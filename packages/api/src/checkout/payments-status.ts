/**
 * `checkout.paymentsStatus`: whether payments can be taken right now, from the breaker state the
 * payment worker publishes. The checkout page polls it so a shopper sees "payments are unavailable"
 * and a disabled button while the provider is down (graceful degradation), instead of filling in a
 * card only to be refused. `checkout.place` still checks the breaker itself.
 */
import { paymentsBreakerOpen } from "@agora/orders";
import { createLogger } from "@agora/telemetry";
import { checkoutRedis } from "./checkout-redis.ts";

const log = createLogger({ service: "api" });

export interface PaymentsStatus {
  available: boolean;
}

export async function paymentsStatus(
  redis: Parameters<typeof paymentsBreakerOpen>[0] = checkoutRedis(),
): Promise<PaymentsStatus> {
  try {
    return { available: !(await paymentsBreakerOpen(redis)) };
  } catch (err) {
    // Unknown is not "down": let the shopper try; `checkout.place` gives the definitive answer.
    log.warn({ err: err instanceof Error ? err.message : String(err) }, "payments status unknown");
    return { available: true };
  }
}
