/**
 * The saga worker's side of checkout admission control (@agora/orders `checkout-admission.ts`):
 * an order that reached the end of its saga (ready for fulfilment, failed, cancelled) gives its
 * permit back, and the time since its admission steers the limit.
 */
import { checkoutAdmissionSchema, loadConfig } from "@agora/config";
import {
  admissionMember,
  admissionSettings,
  createCheckoutAdmission,
  type AdmissionRedis,
  type CheckoutAdmission,
  type OrderState,
} from "@agora/orders";
import { createLogger, histogram } from "@agora/telemetry";

const log = createLogger({ service: "workers-sagas" });
const admittedToEnd = histogram({
  name: "checkout_admitted_to_end_seconds",
  help: "Time from an order's admission at checkout.place to the end of its saga (ready, failed or cancelled)",
  buckets: [0.5, 1, 2, 3, 4, 5, 7.5, 10, 20, 40, 80],
});

/** Null when AGORA_CHECKOUT_ADMISSION=off. */
export function sagaAdmission(redis: AdmissionRedis): CheckoutAdmission | null {
  const settings = admissionSettings(loadConfig(checkoutAdmissionSchema));
  return settings ? createCheckoutAdmission(redis, settings) : null;
}

/** Never fails the step: a permit not given back is dropped at its lease. */
export async function releaseAdmission(admission: CheckoutAdmission, order: OrderState): Promise<void> {
  try {
    const released = await admission.release(admissionMember(order.placed.userId, order.placed.idempotencyKey));
    if (released) admittedToEnd.observe(released.tookMs / 1000);
  } catch (err) {
    log.warn({ orderId: order.id, err: (err as Error).message }, "checkout permit not released; its lease will");
  }
}
