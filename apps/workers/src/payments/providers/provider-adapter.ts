/**
 * What every provider adapter shares: the saga's `PaymentGateway` plus a name, its own circuit
 * breaker and the currencies it settles; and one HTTP call path (breaker → per-attempt timeout →
 * bounded jittered retry) that tells "the provider may have executed this" from "it provably
 * executed nothing", which is what makes failover safe.
 */
import { serviceFetch } from "@agora/config/service-tls";
import {
  CircuitOpenError,
  createCircuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from "@agora/resilience";
import {
  PaymentDeclinedError,
  PaymentNotExecutedError,
  PaymentProviderError,
  PaymentRejectedError,
  type PaymentGateway,
  type ProviderPayment,
} from "../../sagas/checkout/payment-gateway.ts";

export const PROVIDER_NAMES = ["card", "payswift"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** One payment as the provider's books show it, in the saga's vocabulary (reconciliation reads these). */
export interface ProviderRecord {
  id: string;
  orderId: string;
  status: ProviderPayment["status"];
  amountCents: number;
  capturedCents: number;
  currency: string;
  createdAt: Date;
}

export interface ProviderAdapter extends PaymentGateway {
  readonly name: ProviderName;
  readonly breaker: CircuitBreaker;
  /** Upper-case ISO 4217 codes, or "any". */
  readonly currencies: readonly string[] | "any";
  /** Every payment created at or after `since`: the provider's side of a reconciliation. */
  listSince(since: Date): Promise<ProviderRecord[]>;
}

export type BreakerSettings = Partial<Omit<CircuitBreakerOptions, "isFailure" | "isRetryable">>;

/** A failed answer, as the adapter read it from the provider's own error shape. */
export interface FailedAnswer {
  status: number;
  code: string;
  message: string;
  /** The provider documents that nothing ran (its 503 "not processed" answers). */
  notExecuted: boolean;
}

export interface ProviderCallOptions {
  name: ProviderName;
  breakerName: string;
  baseUrl: string;
  breaker?: BreakerSettings;
  /** The provider's credential headers. */
  authHeaders: Record<string, string>;
  /** The provider's idempotency header name. */
  idempotencyHeader: string;
  /** Reads a non-2xx answer in the provider's vocabulary. */
  readError(status: number, json: unknown, text: string): FailedAnswer;
}

/** One call: `POST`s carry the idempotency key; 2xx resolves with the parsed JSON. */
export type ProviderCall = <T>(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  key?: string,
) => Promise<T>;

/** Answers that mean nothing ran: the same as a connection that was never made. */
const REFUSED_CODES = new Set(["ECONNREFUSED", "EAI_AGAIN", "ENOTFOUND"]);

function connectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" && REFUSED_CODES.has(cause.code);
}

export function createProviderCall(opts: ProviderCallOptions): {
  breaker: CircuitBreaker;
  call: ProviderCall;
} {
  const breaker = createCircuitBreaker(opts.breakerName, {
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

  const call: ProviderCall = async <T>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<T> => {
    // Set by any attempt the provider may have run (sent and not provably refused).
    let mayHaveExecuted = false;
    try {
      return await breaker.execute(async ({ signal }) => {
        const headers: Record<string, string> = { ...opts.authHeaders };
        if (key) headers[opts.idempotencyHeader] = key;
        if (body !== undefined) headers["content-type"] = "application/json";
        let res: Response;
        try {
          // https: the simulator's API over mutual TLS, with this process's service certificate.
          res = await serviceFetch(`${opts.baseUrl}${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            signal,
          });
        } catch (err) {
          if (!connectionRefused(err)) mayHaveExecuted = true;
          // An aborted attempt is the breaker's timeout (or the caller's cancel): let it classify that.
          if (signal.aborted) throw err;
          throw new PaymentProviderError(`${method} ${path}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          // Cut off mid-answer: the provider ran whatever it was answering.
          mayHaveExecuted = true;
          throw err;
        }
        let json: unknown;
        try {
          // Provider JSON; the adapters read only the documented fields.
          json = text ? JSON.parse(text) : {};
        } catch (err) {
          mayHaveExecuted = true;
          // A non-JSON answer (a proxy's HTML error page) is the provider side misbehaving.
          throw new PaymentProviderError(`${method} ${path}: ${res.status} with a non-JSON body`, {
            cause: err,
          });
        }
        if (res.ok) return json as T;
        const e = opts.readError(res.status, json, text);
        if (!e.notExecuted) mayHaveExecuted = true;
        if (res.status >= 400 && res.status < 500)
          throw new PaymentRejectedError(res.status, e.code, e.message);
        throw new PaymentProviderError(
          `${method} ${path}: ${res.status} ${e.code} ${e.message}`.trim(),
        );
      });
    } catch (err) {
      const executedNothing =
        !mayHaveExecuted &&
        (err instanceof CircuitOpenError ||
          (err instanceof PaymentProviderError && !(err instanceof PaymentNotExecutedError)));
      if (executedNothing) throw new PaymentNotExecutedError(opts.name, err as Error);
      throw err;
    }
  };
  return { breaker, call };
}
