/**
 * PaySwift (`/v2/charges…`): `X-PaySwift-Key`, `PaySwift-Idempotency-Token`, decimal-string
 * amounts, its own states, refusals as a REFUSED charge. Mapped here to the saga's vocabulary.
 */
import { DEV_PAYSWIFT_API_KEY } from "@agora/config";
import {
  PaymentDeclinedError,
  type ProviderPayment,
} from "../../sagas/checkout/payment-gateway.ts";
import {
  createProviderCall,
  type BreakerSettings,
  type ProviderAdapter,
  type ProviderRecord,
} from "./provider-adapter.ts";

export interface PaySwiftOptions {
  /** PaySwift's API base, e.g. `http://127.0.0.1:15940/payswift`. */
  baseUrl: string;
  apiKey?: string;
  /** Unique per process (breaker registry). Default "payswift-provider". */
  breakerName?: string;
  breaker?: BreakerSettings;
}

/** PaySwift's charge, as far as Agora reads it. */
export interface PaySwiftCharge {
  charge_id: string;
  reference: string;
  state: "HELD" | "REFUSED" | "RELEASED" | "SETTLED" | "PARTIALLY_RETURNED" | "RETURNED";
  amount: { value: string; currency: string };
  settled_amount: string;
  refusal: { reason: string } | null;
  /** Epoch seconds. */
  created: number;
}

interface PaySwiftErrorBody {
  error?: { type?: string; reason?: string; message?: string };
}

export const PAYSWIFT_CURRENCIES = ["EUR", "GBP", "CHF"] as const;

const STATUS: Record<PaySwiftCharge["state"], ProviderPayment["status"]> = {
  HELD: "authorized",
  REFUSED: "declined",
  RELEASED: "voided",
  SETTLED: "captured",
  PARTIALLY_RETURNED: "partially_refunded",
  RETURNED: "refunded",
};

/** 1234 → "12.34" (PaySwift takes major units with two decimals). */
export function toPaySwiftAmount(cents: number): string {
  if (!Number.isInteger(cents) || cents < 0)
    throw new RangeError(`not an amount in cents: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** "12.34" → 1234, exactly (no floating point). */
export function fromPaySwiftAmount(value: string): number {
  const m = /^(\d+)\.(\d{2})$/.exec(value);
  if (!m) throw new RangeError(`not a PaySwift amount: ${value}`);
  return Number(m[1]) * 100 + Number(m[2]);
}

export function fromCharge(c: PaySwiftCharge): ProviderPayment {
  return {
    id: c.charge_id,
    orderId: c.reference,
    status: STATUS[c.state],
    amountCents: fromPaySwiftAmount(c.amount.value),
    // Agora's decline codes are lower-case (`card_declined`), PaySwift's upper-case.
    declineCode: c.refusal ? c.refusal.reason.toLowerCase() : null,
  };
}

export function recordOf(c: PaySwiftCharge): ProviderRecord {
  return {
    id: c.charge_id,
    orderId: c.reference,
    status: STATUS[c.state],
    amountCents: fromPaySwiftAmount(c.amount.value),
    capturedCents: fromPaySwiftAmount(c.settled_amount),
    currency: c.amount.currency,
    createdAt: new Date(c.created * 1000),
  };
}

/** PaySwift documents its 503s (outage, throttling) as "not processed": nothing ran under the token. */
const NOT_EXECUTED = new Set(["outage", "injected_error"]);

export function createPaySwiftGateway(opts: PaySwiftOptions): ProviderAdapter {
  const { breaker, call } = createProviderCall({
    name: "payswift",
    breakerName: opts.breakerName ?? "payswift-provider",
    baseUrl: opts.baseUrl,
    breaker: opts.breaker,
    authHeaders: { "X-PaySwift-Key": opts.apiKey ?? DEV_PAYSWIFT_API_KEY },
    idempotencyHeader: "PaySwift-Idempotency-Token",
    readError(status, json, text) {
      const body = json as PaySwiftErrorBody & { code?: string; message?: string };
      // Transport-level answers (auth, faults, idempotency) carry `{ code, message }`; PaySwift's
      // own refusals carry `{ error: { type, reason, message } }`.
      const code = (body.error?.reason ?? body.code ?? "unknown").toLowerCase();
      return {
        status,
        code,
        message: body.error?.message ?? body.message ?? text,
        notExecuted: status === 503 && NOT_EXECUTED.has(code),
      };
    },
  });
  const charge = (id: string, action: string) => `/v2/charges/${encodeURIComponent(id)}/${action}`;
  return {
    name: "payswift",
    breaker,
    currencies: PAYSWIFT_CURRENCIES,
    async authorize(body, key) {
      const c = await call<PaySwiftCharge>(
        "POST",
        "/v2/charges",
        {
          reference: body.orderId,
          amount: { value: toPaySwiftAmount(body.amountCents), currency: body.currency },
          source: { token: body.paymentMethodId },
        },
        key,
      );
      const payment = fromCharge(c);
      if (payment.status === "declined")
        throw new PaymentDeclinedError(payment.declineCode ?? "declined", payment.id);
      return payment;
    },
    capture: async (id, key) =>
      fromCharge(await call<PaySwiftCharge>("POST", charge(id, "settle"), {}, key)),
    void: async (id, key) =>
      fromCharge(await call<PaySwiftCharge>("POST", charge(id, "release"), {}, key)),
    async refund(id, key, reason, amountCents) {
      const r = await call<{ return_id: string; amount: string }>(
        "POST",
        charge(id, "returns"),
        amountCents === undefined
          ? { note: reason }
          : { note: reason, amount: toPaySwiftAmount(amountCents) },
        key,
      );
      return { id: r.return_id, amountCents: fromPaySwiftAmount(r.amount) };
    },
    listByOrder: async (orderId) =>
      (
        await call<{ items: PaySwiftCharge[] }>(
          "GET",
          `/v2/charges?reference=${encodeURIComponent(orderId)}`,
        )
      ).items.map(fromCharge),
    listSince: async (since) =>
      (
        await call<{ items: PaySwiftCharge[] }>(
          "GET",
          `/v2/charges?since=${Math.floor(since.getTime() / 1000)}`,
        )
      ).items.map(recordOf),
    dispose: () => breaker.dispose(),
  };
}
