import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeBody, card, startSim, type SimHarness } from "../testing/sim-harness.ts";
import { TEST_CARDS } from "./test-cards.ts";

const STOREFRONT = "http://127.0.0.1:15900";

describe("hosted card step (POST /v1/payment-methods)", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSim({ corsOrigins: [STOREFRONT] });
  });
  afterAll(() => h.close());

  async function tokenize(number: string): Promise<string> {
    const res = await h.call("POST", "/v1/payment-methods", { body: { card: card(number) } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it("returns a pm_ token and a summary, never the card number or CVC", async () => {
    const res = await h.call("POST", "/v1/payment-methods", {
      body: { card: card(TEST_CARDS.success) },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "payment_method",
      card: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2099 },
    });
    expect(res.body.id).toMatch(/^pm_[A-Za-z0-9]+$/);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(TEST_CARDS.success);
    expect(text).not.toContain('"123"');
    expect(Object.keys(res.body).sort()).toEqual(["card", "createdAt", "id", "object"]);
  });

  it.each([
    ["the success card authorizes", TEST_CARDS.success, 201, undefined],
    ["the decline card declines with card_declined", TEST_CARDS.declined, 402, "card_declined"],
    [
      "the insufficient-funds card declines with insufficient_funds",
      TEST_CARDS.insufficientFunds,
      402,
      "insufficient_funds",
    ],
  ])("keeps test card outcomes through the token: %s", async (_name, number, status, code) => {
    const paymentMethodId = await tokenize(number);
    const { card: _omit, ...body } = authorizeBody();
    const res = await h.post("/v1/payments/authorize", { ...body, paymentMethodId });
    expect(res.status).toBe(status);
    if (code) expect(res.body.code).toBe(code);
    else expect(res.body.card.last4).toBe(number.slice(-4));
  });

  it("refuses an unknown token and a body with both a card and a token", async () => {
    const { card: _omit, ...body } = authorizeBody();
    const unknown = await h.post("/v1/payments/authorize", {
      ...body,
      paymentMethodId: "pm_nope1234",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("payment_method_not_found");
    const both = await h.post("/v1/payments/authorize", {
      ...authorizeBody(),
      paymentMethodId: await tokenize(TEST_CARDS.success),
    });
    expect(both.status).toBe(400);
  });

  it("answers the storefront's CORS preflight and not a foreign origin's", async () => {
    const ok = await fetch(`${h.url}/v1/payment-methods`, {
      method: "OPTIONS",
      headers: { Origin: STOREFRONT, "Access-Control-Request-Method": "POST" },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(STOREFRONT);
    expect(ok.headers.get("access-control-allow-headers")).toContain("content-type");

    const foreign = await fetch(`${h.url}/v1/payment-methods`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();

    const post = await fetch(`${h.url}/v1/payment-methods`, {
      method: "POST",
      headers: { Origin: STOREFRONT, "content-type": "application/json" },
      body: JSON.stringify({ card: card() }),
    });
    expect(post.status).toBe(201);
    expect(post.headers.get("access-control-allow-origin")).toBe(STOREFRONT);
  });

  it("never exposes other routes to browsers", async () => {
    const res = await fetch(`${h.url}/v1/payments/authorize`, {
      method: "POST",
      headers: {
        Origin: STOREFRONT,
        "content-type": "application/json",
        "Idempotency-Key": "k-cors",
      },
      body: JSON.stringify(authorizeBody()),
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
