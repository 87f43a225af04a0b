/**
 * The PaySwift API, as a table: `/payswift/v2/charges…`, faulted by PaySwift's own fault knobs
 * (scope `payswift`), authenticated by `X-PaySwift-Key`, idempotent through
 * `PaySwift-Idempotency-Token`. Errors are `{ error: { type, reason, message } }`; a refused card
 * is a 201 charge in state REFUSED, not an HTTP error.
 */
import type { z } from "zod";
import { SimError, ValidationError } from "../http/errors.ts";
import type { HttpResult, Route, RouteContext } from "../http/router.ts";
import type { PaymentService } from "../payments/service.ts";
import { toCharge } from "./charge.ts";
import {
  chargeBodySchema,
  listChargesQuerySchema,
  releaseBodySchema,
  returnBodySchema,
  settleBodySchema,
  toDecimal,
  toMinor,
} from "./schemas.ts";

export const PAYSWIFT_PREFIX = "/payswift/v2";
export const PAYSWIFT_KEY_HEADER = "x-payswift-key";
export const PAYSWIFT_IDEMPOTENCY_HEADER = "payswift-idempotency-token";

/** PaySwift's error type for each HTTP status it answers with. */
const TYPE: Record<number, string> = {
  400: "invalid_request",
  404: "not_found",
  409: "invalid_state",
  422: "amount_invalid",
  504: "network_timeout",
};

/** A refusal in PaySwift's error shape. */
export class PaySwiftError extends SimError {
  override toBody(): Record<string, unknown> {
    return {
      error: {
        type: TYPE[this.status] ?? "api_error",
        reason: this.code.toUpperCase(),
        message: this.message,
        ...this.details,
      },
    };
  }
}

/** Validation failures keep their "not stored for replay" meaning, in PaySwift's shape. */
class PaySwiftValidationError extends ValidationError {
  override toBody(): Record<string, unknown> {
    return { error: { type: "invalid_request", reason: "VALIDATION_FAILED", ...this.details } };
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new PaySwiftValidationError(parsed.error, what);
  return parsed.data;
}

/** The engine speaks the card API's codes; PaySwift answers in its own shape. */
async function translated(fn: () => HttpResult | Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SimError && !(err instanceof PaySwiftValidationError)) {
      const { code, message, ...details } = err.toBody();
      void code;
      void message;
      throw new PaySwiftError(err.status, err.code, err.message, details, err.headers);
    }
    throw err;
  }
}

export function payswiftRoutes(engine: PaymentService): Route[] {
  const id = (p: Record<string, string>) => p.chargeId ?? "";
  const route = (
    method: Route["method"],
    path: string,
    handle: (ctx: RouteContext) => HttpResult | Promise<HttpResult>,
  ): Route => ({
    method,
    pattern: `${PAYSWIFT_PREFIX}${path}`,
    scope: "payswift",
    idempotent: method === "POST",
    idempotencyHeader: PAYSWIFT_IDEMPOTENCY_HEADER,
    auth: "payswift-key",
    handle: (ctx) => translated(() => handle(ctx)),
  });
  return [
    route("POST", "/charges", async ({ body, signal }) => {
      const b = parse(chargeBodySchema, body);
      const payment = await engine.authorize(
        {
          orderId: b.reference,
          amountCents: toMinor(b.amount.value),
          currency: b.amount.currency,
          paymentMethodId: b.source.token,
        },
        signal,
      );
      return { status: 201, body: toCharge(payment) };
    }),
    route("POST", "/charges/:chargeId/settle", ({ params, body }) => {
      const { amount } = parse(settleBodySchema, body);
      const payment = engine.capture(id(params), {
        amountCents: amount === undefined ? undefined : toMinor(amount),
      });
      return { status: 200, body: toCharge(payment) };
    }),
    route("POST", "/charges/:chargeId/release", ({ params, body }) => {
      parse(releaseBodySchema, body);
      return { status: 200, body: toCharge(engine.void(id(params))) };
    }),
    route("POST", "/charges/:chargeId/returns", ({ params, body }) => {
      const b = parse(returnBodySchema, body);
      const { refund, payment } = engine.refund(id(params), {
        amountCents: b.amount === undefined ? undefined : toMinor(b.amount),
        reason: b.note,
      });
      return {
        status: 201,
        body: {
          return_id: refund.id,
          amount: toDecimal(refund.amountCents),
          charge: toCharge(payment),
        },
      };
    }),
    route("GET", "/charges/:chargeId", ({ params }) => ({
      status: 200,
      body: toCharge(engine.get(id(params))),
    })),
    route("GET", "/charges", ({ query }) => {
      const q = parse(listChargesQuerySchema, Object.fromEntries(query), "query");
      const items = engine
        .list()
        .filter((p) => q.reference === undefined || p.orderId === q.reference)
        .map(toCharge)
        .filter((c) => q.since === undefined || c.created >= q.since);
      return { status: 200, body: { items, count: items.length } };
    }),
  ];
}
