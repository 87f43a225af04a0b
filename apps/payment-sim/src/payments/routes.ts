/**
 * The payment API, as a table: `/v1/payments/...`, all faulted under scope `payments`. Server
 * calls need the provider API key; the browser's card step (`/v1/payment-methods`) needs none.
 */
import { parseWith } from "../http/errors.ts";
import type { HttpResult, Route } from "../http/router.ts";
import {
  authorizeBodySchema,
  paymentMethodBodySchema,
  captureBodySchema,
  listPaymentsQuerySchema,
  refundBodySchema,
  voidBodySchema,
} from "./schemas.ts";
import type { PaymentService } from "./service.ts";
import type { Payment } from "./types.ts";

export function paymentRoutes(payments: PaymentService): Route[] {
  const param = (p: Record<string, string>) => p.id ?? "";
  return [
    {
      // Called by shoppers' browsers (CORS, see server.ts). No Idempotency-Key: a repeated
      // tokenization only mints another token, which charges nothing.
      method: "POST",
      pattern: "/v1/payment-methods",
      scope: "payments",
      idempotent: false,
      auth: null,
      handle: ({ body }) => ({
        status: 201,
        body: payments.createPaymentMethod(parseWith(paymentMethodBodySchema, body)),
      }),
    },
    {
      method: "POST",
      pattern: "/v1/payments/authorize",
      scope: "payments",
      idempotent: true,
      auth: "provider-key",
      async handle({ body, signal }) {
        const payment = await payments.authorize(parseWith(authorizeBodySchema, body), signal);
        return authorizationResult(payment);
      },
    },
    {
      method: "POST",
      pattern: "/v1/payments/:id/capture",
      scope: "payments",
      idempotent: true,
      auth: "provider-key",
      handle: ({ params, body }) =>
        ok(payments.capture(param(params), parseWith(captureBodySchema, body))),
    },
    {
      method: "POST",
      pattern: "/v1/payments/:id/void",
      scope: "payments",
      idempotent: true,
      auth: "provider-key",
      handle({ params, body }) {
        parseWith(voidBodySchema, body);
        return ok(payments.void(param(params)));
      },
    },
    {
      method: "POST",
      pattern: "/v1/payments/:id/refund",
      scope: "payments",
      idempotent: true,
      auth: "provider-key",
      handle({ params, body }) {
        const { refund, payment } = payments.refund(
          param(params),
          parseWith(refundBodySchema, body),
        );
        return { status: 201, body: { ...refund, payment } };
      },
    },
    {
      method: "GET",
      pattern: "/v1/payments/:id",
      scope: "payments",
      idempotent: false,
      auth: "provider-key",
      handle: ({ params }) => ok(payments.get(param(params))),
    },
    {
      method: "GET",
      pattern: "/v1/payments",
      scope: "payments",
      idempotent: false,
      auth: "provider-key",
      handle({ query }) {
        const q = parseWith(listPaymentsQuerySchema, Object.fromEntries(query), "query");
        const data = (q.orderId === undefined ? payments.list() : payments.listByOrder(q.orderId))
          .filter((p) => q.createdAfter === undefined || p.createdAt >= new Date(q.createdAfter).toISOString());
        return ok({ object: "list", data });
      },
    },
  ];
}

/** A decline is a 402 whose `code` is the decline reason; the declined payment rides along. */
function authorizationResult(payment: Payment): HttpResult {
  if (payment.status === "declined") {
    return {
      status: 402,
      body: {
        code: payment.declineCode,
        message: `the card was declined (${payment.declineCode})`,
        paymentId: payment.id,
        payment,
      },
    };
  }
  return { status: 201, body: payment };
}

function ok(body: unknown): HttpResult {
  return { status: 200, body };
}
