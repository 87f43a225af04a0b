/**
 * What the checkout saga needs from "the payment provider", and the errors it tells apart. The
 * payments pool gives it the router over every provider (`payments/routing`); tests may give it
 * one provider's adapter (`payments/providers`). Every implementation keeps a per-attempt timeout,
 * a bounded jittered retry and an idempotency key on every mutating call.
 */

export interface ProviderPayment {
  id: string;
  orderId: string;
  status: "authorized" | "declined" | "voided" | "captured" | "partially_refunded" | "refunded";
  amountCents: number;
  declineCode: string | null;
}

/** The card was refused (402). The caller's outcome, not the provider's health. */
export class PaymentDeclinedError extends Error {
  readonly code = "PAYMENT_DECLINED";
  readonly retryable = false;
  constructor(
    readonly declineCode: string,
    readonly paymentId: string | null,
  ) {
    super(`payment declined: ${declineCode}`);
    this.name = "PaymentDeclinedError";
  }
}

/** Any other 4xx answer (conflict, validation): definitive, retrying changes nothing. */
export class PaymentRejectedError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`payment provider refused (${status} ${code}): ${message}`);
    this.name = "PaymentRejectedError";
    // The same key still running elsewhere answers soon; every other 4xx is final.
    this.retryable = code === "idempotency_key_in_progress";
  }
}

/** 5xx or transport failure: the provider's problem, worth a bounded retry. */
export class PaymentProviderError extends Error {
  readonly code = "PAYMENT_PROVIDER_UNAVAILABLE";
  readonly retryable = true;
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "PaymentProviderError";
  }
}

/**
 * The call provably executed nothing at the provider: refused before it was sent (open circuit,
 * connection refused) or answered with a documented "not processed" 503 on every attempt. Only
 * this lets the router try another provider without risking a second hold. `cause` is the error
 * the saga classifies if no provider takes the payment.
 */
export class PaymentNotExecutedError extends PaymentProviderError {
  constructor(
    readonly provider: string,
    readonly original: Error,
  ) {
    super(`${provider} executed nothing: ${original.message}`, { cause: original });
    this.name = "PaymentNotExecutedError";
  }
}

export interface PaymentGateway {
  authorize(
    // A provider token (`pm_…`) from the hosted card step, never a card number.
    body: { orderId: string; amountCents: number; currency: string; paymentMethodId: string },
    idempotencyKey: string,
  ): Promise<ProviderPayment>;
  capture(paymentId: string, idempotencyKey: string): Promise<ProviderPayment>;
  void(paymentId: string, idempotencyKey: string): Promise<ProviderPayment>;
  /** Refunds `amountCents` of the capture, or all that is left when omitted. */
  refund(
    paymentId: string,
    idempotencyKey: string,
    reason: string,
    amountCents?: number,
  ): Promise<{ id: string; amountCents: number }>;
  listByOrder(orderId: string): Promise<ProviderPayment[]>;
  dispose(): void;
}
