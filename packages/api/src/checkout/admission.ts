/**
 * The storefront's side of checkout admission control (@agora/orders `checkout-admission.ts`):
 * `checkout.place` takes a permit before it writes anything, and gives it back if it wrote
 * nothing; the saga worker gives it back when the order ends.
 *
 * Only in the core region: outside it the order's saga is started by the core region from the
 * outbox, and the permits live in the core region's Redis, which the saga workers release into.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { checkoutAdmissionSchema, loadConfig } from "@agora/config";
import {
  admissionSettings,
  CheckoutBusyError,
  createCheckoutAdmission,
  type CheckoutAdmission,
} from "@agora/orders";
import { counter, createLogger } from "@agora/telemetry";
import { checkoutRedis } from "./checkout-redis.ts";

const log = createLogger({ service: "api" });
const decisions = counter({
  name: "checkout_admission_total",
  help: "checkout.place admission decisions by this process: admitted, refused (busy) or unchecked (Redis unreachable: admitted)",
  labelNames: ["decision"] as const,
});

let admission: CheckoutAdmission | null | undefined;

/** The admission control of this process, or null when AGORA_CHECKOUT_ADMISSION=off. */
export function checkoutAdmission(): CheckoutAdmission | null {
  if (admission === undefined) {
    const settings = admissionSettings(loadConfig(checkoutAdmissionSchema));
    admission = settings ? createCheckoutAdmission(checkoutRedis(), settings) : null;
  }
  return admission;
}

/**
 * The first places in line wait at the door: their request is held (asking again every 100 ms, up
 * to 2 s) instead of being sent away, so a permit given back is taken within ~0.1 s rather than
 * after a client's sleep and round trip — on a saturated box those gaps left permits idle and cost
 * throughput. Only the first two places are held, so at most two requests wait here at once.
 */
const DOOR = { positions: 2, holdMs: 2_000, pollMs: 100 };

/**
 * Takes the attempt's permit (true: taken now; false: it held one already, or there is no control
 * to ask), or throws CheckoutBusyError (its place in line, when to retry).
 * When Redis cannot be asked the order goes ahead: the limit protects latency, not correctness
 * (stock is reserved by the saga, the key makes the placement idempotent).
 */
export async function admitCheckout(member: string): Promise<boolean> {
  const control = checkoutAdmission();
  if (!control) return false;
  const started = Date.now();
  for (;;) {
    let decision;
    try {
      decision = await control.admit(member);
    } catch (err) {
      decisions.inc({ decision: "unchecked" });
      log.warn({ err: (err as Error).message }, "checkout admission unavailable; order admitted");
      return false;
    }
    if (decision.admitted) {
      decisions.inc({ decision: "admitted" });
      return decision.fresh;
    }
    const waited = Date.now() - started;
    if (decision.position > DOOR.positions || waited + DOOR.pollMs > DOOR.holdMs) {
      decisions.inc({ decision: "refused" });
      throw new CheckoutBusyError(decision.position, decision.retryAfterMs);
    }
    await sleep(DOOR.pollMs);
  }
}

/** Gives back the permit of an attempt that wrote nothing (its placement failed). */
export async function releaseUnplaced(member: string): Promise<void> {
  try {
    await checkoutAdmission()?.release(member, { adapt: false });
  } catch (err) {
    // The lease frees it later; the shopper's error is the placement's, not this one.
    log.warn({ err: (err as Error).message }, "checkout permit not released; its lease will");
  }
}

/** Tests: the next call reads the settings again. */
export function resetCheckoutAdmission(): void {
  admission = undefined;
}
