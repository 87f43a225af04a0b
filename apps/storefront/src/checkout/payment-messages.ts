/**
 * What a shopper reads when a checkout does not go through: one sentence on what happened and
 * one on what to do, for each failure the API and the checkout saga report.
 */

/** `checkout.place` errors, by the API's domainCode (or tRPC code). */
export function placeErrorMessage(err: {
  domainCode?: string | null;
  code?: string;
  message: string;
}): string {
  switch (err.domainCode ?? err.code) {
    case "PAYMENTS_UNAVAILABLE":
      return "Payments are unavailable right now. Nothing was charged and no order was created — please try again in a minute.";
    case "IDEMPOTENCY_KEY_REUSED":
      return "This attempt was already used with different details. Please submit again.";
    case "PRODUCT_UNAVAILABLE":
    case "CART_EMPTY":
    case "CART_HAS_PROBLEMS":
      return "Something in your cart is no longer available. Please review your cart.";
    case "UNAUTHORIZED":
      return "Please sign in to place your order.";
    case "CHECKOUT_BUSY":
      return "Checkout is busy right now. Nothing was ordered or charged — your cart is kept; please try again in a minute.";
    case "TOO_MANY_REQUESTS":
      return "Too many attempts. Please wait a moment and try again.";
    default:
      return `Your order could not be placed: ${err.message}`;
  }
}

/** A shopper's place in the checkout line (admission control), from a CHECKOUT_BUSY answer. */
export interface InLine {
  position: number;
  /** When to ask again. */
  retryAfterMs: number;
}

/** The place in line and the wait a CHECKOUT_BUSY error carries; null for any other error. */
export function busyRetry(err: unknown): InLine | null {
  const data = (err as { data?: { domainCode?: unknown; details?: unknown; retryAfterSeconds?: unknown } })
    ?.data;
  if (data?.domainCode !== "CHECKOUT_BUSY") return null;
  const details = (data.details ?? {}) as { position?: unknown; retryAfterMs?: unknown };
  const wait =
    typeof details.retryAfterMs === "number"
      ? details.retryAfterMs
      : typeof data.retryAfterSeconds === "number"
        ? data.retryAfterSeconds * 1000
        : 1_000;
  return {
    position: typeof details.position === "number" ? details.position : 1,
    // Never hammer, never stall: 0.25–30 s whatever the server said.
    retryAfterMs: Math.min(30_000, Math.max(250, Math.round(wait))),
  };
}

/** The saga's failure reason (and detail, e.g. a decline code) of a FAILED/CANCELLED order. */
export function orderFailureMessage(reason: string, detail: string): string {
  if (reason === "payment_declined") {
    if (detail.includes("insufficient_funds"))
      return "Your card has insufficient funds. Nothing was charged. Try another card.";
    return "Your card was declined. Nothing was charged. Try another card.";
  }
  switch (reason) {
    case "payment_timeout":
      return "The payment provider did not answer in time. Nothing was charged; any hold on your card is released.";
    case "payment_unavailable":
      return "Payments were unavailable. Nothing was charged — please try again in a minute.";
    case "out_of_stock":
      return "An item sold out before we could reserve it. Nothing was charged.";
    default:
      return `The order could not be completed (${reason}).`;
  }
}

/** Compensation steps as a shopper would say them. */
export function compensationLabel(step: string): string {
  switch (step) {
    case "release-stock":
      return "Reserved items were put back in stock";
    case "void-payment":
      return "The card authorization was voided";
    case "void-unverified":
      return "Any card authorization will be voided by the provider";
    case "refund-payment":
      return "The payment was refunded";
    default:
      return step;
  }
}
