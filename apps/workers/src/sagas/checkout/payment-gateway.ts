/**
 * The payment provider (our simulator) behind one circuit breaker: per-attempt timeout, bounded
 * jittered retry, and an Idempotency-Key on every mutating call so a retry can never charge twice.
 */
import { bearerHeader } from "@agora/auth/service-token";
import { DEV_PAYMENT_PROVIDER_API_KEY } from "@agora/config";
import {
  createCircuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from "@agora/resilience";

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

export interface PaymentGateway {
  readonly breaker: CircuitBreaker;
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

export interface PaymentGatewayOptions {
  baseUrl: string;
  /** The provider's server API key; default: in-process simulators' dev key (production refuses it). */
  apiKey?: string;
  /** Unique per process (breaker registry). Default "payment-provider". */
  breakerName?: string;
  breaker?: Partial<Omit<CircuitBreakerOptions, "isFailure" | "isRetryable">>;
}

interface ErrorBody {
  code?: string;
  message?: string;
  paymentId?: string;
}

export function createPaymentGateway(opts: PaymentGatewayOptions): PaymentGateway {
  const breaker = createCircuitBreaker(opts.breakerName ?? "payment-provider", {
    trip: opts.breaker?.trip ?? { kind: "consecutive", failures: 5 },
    halfOpenAfterMs: opts.breaker?.halfOpenAfterMs ?? 10_000,
    timeoutMs: opts.breaker?.timeoutMs ?? 3_000,
    retry: opts.breaker?.retry ?? { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 },
    // Declines and other 4xx are answers from a healthy provider; they must not open the circuit.
    isFailure: (err) =>
      !(err instanceof PaymentDeclinedError || err instanceof PaymentRejectedError),
    isRetryable: (err) =>
      (err instanceof PaymentProviderError ||
        err instanceof PaymentRejectedError ||
        err.name === "TimeoutError") &&
      (err as Error & { retryable?: boolean }).retryable === true,
  });

  async function call<T>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<T> {
    return breaker.execute(async ({ signal }) => {
      const headers: Record<string, string> = bearerHeader(opts.apiKey ?? DEV_PAYMENT_PROVIDER_API_KEY);
      if (key) headers["Idempotency-Key"] = key;
      if (body !== undefined) headers["content-type"] = "application/json";
      let res: Response;
      try {
        res = await fetch(`${opts.baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        });
      } catch (err) {
        // An aborted attempt is the breaker's timeout (or the caller's cancel): let it classify that.
        if (signal.aborted) throw err;
        throw new PaymentProviderError(`${method} ${path}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const text = await res.text();
      let json: unknown;
      try {
        // Provider JSON; the callers read only the documented fields.
        json = text ? JSON.parse(text) : {};
      } catch (err) {
        // A non-JSON answer (a proxy's HTML error page) is the provider side misbehaving.
        throw new PaymentProviderError(`${method} ${path}: ${res.status} with a non-JSON body`, {
          cause: err,
        });
      }
      if (res.ok) return json as T;
      const e = json as ErrorBody;
      if (res.status === 402)
        throw new PaymentDeclinedError(e.code ?? "declined", e.paymentId ?? null);
      if (res.status >= 400 && res.status < 500)
        throw new PaymentRejectedError(res.status, e.code ?? "unknown", e.message ?? text);
      throw new PaymentProviderError(
        `${method} ${path}: ${res.status} ${e.code ?? ""} ${e.message ?? ""}`.trim(),
      );
    });
  }

  return {
    breaker,
    authorize: (body, key) => call<ProviderPayment>("POST", "/v1/payments/authorize", body, key),
    capture: (id, key) =>
      call<ProviderPayment>("POST", `/v1/payments/${encodeURIComponent(id)}/capture`, {}, key),
    void: (id, key) =>
      call<ProviderPayment>("POST", `/v1/payments/${encodeURIComponent(id)}/void`, {}, key),
    refund: (id, key, reason, amountCents) =>
      call<{ id: string; amountCents: number }>(
        "POST",
        `/v1/payments/${encodeURIComponent(id)}/refund`,
        amountCents === undefined ? { reason } : { reason, amountCents },
        key,
      ),
    listByOrder: async (orderId) =>
      (
        await call<{ data: ProviderPayment[] }>(
          "GET",
          `/v1/payments?orderId=${encodeURIComponent(orderId)}`,
        )
      ).data,
    dispose: () => breaker.dispose(),
  };
}
