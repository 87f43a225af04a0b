/** Each adapter against the in-process simulator: mapping to the saga's vocabulary, and "executed nothing". */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { bearerHeader } from "@agora/auth/service-token";
import {
  createPaymentSim,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  TEST_CARDS,
  type PaymentSim,
} from "@agora/payment-sim";
import {
  PaymentDeclinedError,
  PaymentNotExecutedError,
  PaymentRejectedError,
} from "../../sagas/checkout/payment-gateway.ts";
import { createCardApiGateway } from "./card-api.ts";
import { createPaySwiftGateway, fromPaySwiftAmount, toPaySwiftAmount } from "./payswift.ts";
import type { ProviderAdapter } from "./provider-adapter.ts";

const admin = { "content-type": "application/json", ...bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN) };
const fast = { retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, timeoutMs: 2_000 };
let sim: PaymentSim;
let url: string;
let seq = 0;

beforeAll(async () => {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  url = await sim.listen(0);
});
afterAll(() => sim.close());

async function token(number: string = TEST_CARDS.success): Promise<string> {
  const res = await fetch(`${url}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: { number, expMonth: 12, expYear: 2099, cvc: "123" } }),
  });
  return ((await res.json()) as { id: string }).id;
}

describe("PaySwift amounts", () => {
  it("converts cents to decimal strings and back exactly", () => {
    for (const cents of [1, 10, 99, 100, 1234, 99_999_999])
      expect(fromPaySwiftAmount(toPaySwiftAmount(cents))).toBe(cents);
    expect(toPaySwiftAmount(5)).toBe("0.05");
    expect(() => fromPaySwiftAmount("12.3")).toThrow(RangeError);
  });
});

describe.each([
  [
    "card",
    () =>
      createCardApiGateway({ baseUrl: url, breakerName: `card-${Math.random()}`, breaker: fast }),
    "/admin/faults",
    { scope: "payments" },
  ],
  [
    "payswift",
    () =>
      createPaySwiftGateway({
        baseUrl: `${url}/payswift`,
        breakerName: `psw-${Math.random()}`,
        breaker: fast,
      }),
    "/admin/payswift/faults",
    {},
  ],
] as const)("the %s adapter", (name, make, faults, scope) => {
  let gw: ProviderAdapter;
  beforeAll(() => {
    gw = make();
  });
  afterAll(() => gw.dispose());
  const order = () => `ord-${name}-${++seq}`;

  it("authorizes, captures once, refunds part, in the saga's vocabulary", async () => {
    const orderId = order();
    const body = { orderId, amountCents: 4_321, currency: "EUR", paymentMethodId: await token() };
    const a = await gw.authorize(body, `${orderId}:authorize`);
    expect(a).toMatchObject({
      orderId,
      status: "authorized",
      amountCents: 4_321,
      declineCode: null,
    });
    expect(await gw.authorize(body, `${orderId}:authorize`)).toMatchObject({ id: a.id });
    expect(await gw.capture(a.id, `${orderId}:capture`)).toMatchObject({ status: "captured" });
    expect(await gw.capture(a.id, `${orderId}:capture-again`)).toMatchObject({
      status: "captured",
    });
    expect(await gw.refund(a.id, `${orderId}:refund`, "test", 321)).toMatchObject({
      amountCents: 321,
    });
    const listed = await gw.listByOrder(orderId);
    expect(listed.map((p) => [p.id, p.status])).toEqual([[a.id, "partially_refunded"]]);
    const since = await gw.listSince(new Date(Date.now() - 60_000));
    expect(since.find((r) => r.id === a.id)).toMatchObject({
      capturedCents: 4_321,
      currency: "EUR",
    });
  });

  it("turns a refused card into PaymentDeclinedError with a lower-case code", async () => {
    const orderId = order();
    const body = {
      orderId,
      amountCents: 500,
      currency: "EUR",
      paymentMethodId: await token(TEST_CARDS.declined),
    };
    const err = await gw.authorize(body, `${orderId}:authorize`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentDeclinedError);
    expect((err as PaymentDeclinedError).declineCode).toBe("card_declined");
  });

  it("turns a wrong-state call into PaymentRejectedError (4xx, not a provider failure)", async () => {
    const orderId = order();
    const a = await gw.authorize(
      { orderId, amountCents: 700, currency: "EUR", paymentMethodId: await token() },
      `${orderId}:authorize`,
    );
    await gw.void(a.id, `${orderId}:void`);
    const err = await gw.capture(a.id, `${orderId}:capture`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentRejectedError);
    expect((err as PaymentRejectedError).code).toBe("payment_voided");
    expect(gw.breaker.state).toBe("closed");
  });

  it("says it executed nothing when every attempt met a documented outage", async () => {
    await fetch(`${url}${faults}`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({ outage: true, ...scope }),
    });
    try {
      const orderId = order();
      const err = await gw
        .authorize(
          { orderId, amountCents: 900, currency: "EUR", paymentMethodId: await token() },
          `${orderId}:a`,
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PaymentNotExecutedError);
      expect((err as PaymentNotExecutedError).provider).toBe(name);
    } finally {
      await fetch(`${url}${faults}`, { method: "DELETE", headers: admin });
    }
  });
});

describe("an adapter whose attempt may have run", () => {
  it("does not claim 'executed nothing' when an attempt timed out (the provider may have run it)", async () => {
    const gw = createCardApiGateway({
      baseUrl: url,
      breakerName: `card-timeout-${Math.random()}`,
      breaker: { timeoutMs: 150, retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } },
    });
    await fetch(`${url}/admin/faults`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({ latencyMs: 400, scope: "payments" }),
    });
    try {
      const err = await gw
        .authorize(
          {
            orderId: "ord-timeout",
            amountCents: 900,
            currency: "EUR",
            paymentMethodId: await token(),
          },
          "ord-timeout:a",
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(PaymentNotExecutedError);
    } finally {
      await fetch(`${url}/admin/faults`, { method: "DELETE", headers: admin });
      gw.dispose();
    }
  });
});
