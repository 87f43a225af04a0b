/**
 * The card provider (`/v1/payments…`, the simulator's first API): bearer API key,
 * `Idempotency-Key`, amounts in cents, declines as 402. Its breaker keeps the name
 * `payment-provider`, which dashboards and drills already know.
 */
import { bearerHeader } from "@agora/auth/service-token";
import { DEV_PAYMENT_PROVIDER_API_KEY } from "@agora/config";
import {
  PaymentDeclinedError,
  type ProviderPayment,
} from "../../sagas/checkout/payment-gateway.ts";
import {
  createProviderCall,
  type BreakerSettings,
  type ProviderAdapter,
} from "./provider-adapter.ts";

export interface CardApiOptions {
  baseUrl: string;
  /** The provider's server API key; default: in-process simulators' dev key (production refuses it). */
  apiKey?: string;
  /** Unique per process (breaker registry). Default "payment-provider". */
  breakerName?: string;
  breaker?: BreakerSettings;
}

interface ErrorBody {
  code?: string;
  message?: string;
  paymentId?: string;
}

/** The simulator documents these 503s as "nothing executed, nothing stored under the key". */
const NOT_EXECUTED = new Set(["outage", "injected_error"]);

export function createCardApiGateway(opts: CardApiOptions): ProviderAdapter {
  const { breaker, call } = createProviderCall({
    name: "card",
    breakerName: opts.breakerName ?? "payment-provider",
    baseUrl: opts.baseUrl,
    breaker: opts.breaker,
    authHeaders: bearerHeader(opts.apiKey ?? DEV_PAYMENT_PROVIDER_API_KEY),
    idempotencyHeader: "Idempotency-Key",
    readError(status, json, text) {
      const e = json as ErrorBody;
      if (status === 402) throw new PaymentDeclinedError(e.code ?? "declined", e.paymentId ?? null);
      return {
        status,
        code: e.code ?? "unknown",
        message: e.message ?? text,
        notExecuted: status === 503 && NOT_EXECUTED.has(e.code ?? ""),
      };
    },
  });
  const path = (id: string, action: string) => `/v1/payments/${encodeURIComponent(id)}/${action}`;
  return {
    name: "card",
    breaker,
    currencies: "any",
    authorize: (body, key) => call<ProviderPayment>("POST", "/v1/payments/authorize", body, key),
    capture: (id, key) => call<ProviderPayment>("POST", path(id, "capture"), {}, key),
    void: (id, key) => call<ProviderPayment>("POST", path(id, "void"), {}, key),
    refund: (id, key, reason, amountCents) =>
      call<{ id: string; amountCents: number }>(
        "POST",
        path(id, "refund"),
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
    listSince: async (since) =>
      (
        await call<{
          data: (ProviderPayment & {
            capturedCents: number;
            currency: string;
            createdAt: string;
          })[];
        }>("GET", `/v1/payments?createdAfter=${encodeURIComponent(since.toISOString())}`)
      ).data.map((p) => ({
        id: p.id,
        orderId: p.orderId,
        status: p.status,
        amountCents: p.amountCents,
        capturedCents: p.capturedCents,
        currency: p.currency,
        createdAt: new Date(p.createdAt),
      })),
    dispose: () => breaker.dispose(),
  };
}
