import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_PAYSWIFT_API_KEY } from "../config.ts";
import { card, freshKey, startSim, type Json, type SimHarness } from "../testing/sim-harness.ts";
import { TEST_CARDS } from "../payments/test-cards.ts";

describe("PaySwift, the second provider", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSim();
  });
  afterAll(() => h.close());

  /** PaySwift's own credential and idempotency header (no Authorization: Bearer). */
  async function ps(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string | null; key?: string } = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? DEV_PAYSWIFT_API_KEY : opts.token;
    if (token) headers["X-PaySwift-Key"] = token;
    if (method === "POST") headers["PaySwift-Idempotency-Token"] = opts.key ?? freshKey();
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${h.url}/payswift/v2${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  async function token(number: string = TEST_CARDS.success): Promise<string> {
    const res = await h.call("POST", "/v1/payment-methods", { body: { card: card(number) } });
    return (res.body as { id: string }).id;
  }

  const charge = async (reference: string, value = "12.34", number?: string) =>
    ps("POST", "/charges", {
      reference,
      amount: { value, currency: "EUR" },
      source: { token: await token(number) },
    });

  it("holds a charge with a decimal amount and its own ids and states", async () => {
    const res = await charge("ord-ps-1");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      reference: "ord-ps-1",
      state: "HELD",
      amount: { value: "12.34", currency: "EUR" },
      settled_amount: "0.00",
      refusal: null,
    });
    expect(res.body.charge_id).toMatch(/^psw_ch_/);
  });

  it("answers a refused card with a REFUSED charge, not an HTTP error", async () => {
    const res = await charge("ord-ps-2", "5.00", TEST_CARDS.declined);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: "REFUSED", refusal: { reason: "CARD_DECLINED" } });
  });

  it("settles once, returns part, and keeps its books apart from the card provider's", async () => {
    const held = (await charge("ord-ps-3", "20.00")).body;
    const settle1 = await ps("POST", `/charges/${held.charge_id}/settle`, {});
    const settle2 = await ps("POST", `/charges/${held.charge_id}/settle`, {});
    expect([settle1.status, settle2.status]).toEqual([200, 200]);
    expect(settle2.body).toMatchObject({ state: "SETTLED", settled_amount: "20.00" });
    const ret = await ps("POST", `/charges/${held.charge_id}/returns`, { amount: "5.50" });
    expect(ret.status).toBe(201);
    expect(ret.body).toMatchObject({ amount: "5.50", charge: { state: "PARTIALLY_RETURNED" } });

    const books = await h.get("/admin/payswift/ledger?orderId=ord-ps-3");
    expect(books.body.orders).toEqual([
      expect.objectContaining({ captureCount: 1, capturedCents: 2000, refundedCents: 550 }),
    ]);
    expect((await h.get("/admin/ledger?orderId=ord-ps-3")).body.orders).toEqual([]);
    expect((await h.get("/v1/payments?orderId=ord-ps-3")).body.data).toEqual([]);
  });

  it("lists charges by reference, for reconciliation", async () => {
    await charge("ord-ps-4");
    const res = await ps("GET", "/charges?reference=ord-ps-4");
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.items[0]).toMatchObject({ reference: "ord-ps-4", state: "HELD" });
  });

  it("replays a repeated idempotency token and refuses it for another body", async () => {
    const src = await token();
    const body = {
      reference: "ord-ps-5",
      amount: { value: "1.00", currency: "GBP" },
      source: { token: src },
    };
    const a = await ps("POST", "/charges", body, { key: "ps-key-5" });
    const b = await ps("POST", "/charges", body, { key: "ps-key-5" });
    expect(b.body.charge_id).toBe(a.body.charge_id);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    const c = await ps("POST", "/charges", { ...body, reference: "other" }, { key: "ps-key-5" });
    expect(c.status).toBe(409);
  });

  it("refuses bad input in its own error shape, and currencies it does not settle", async () => {
    const res = await ps("POST", "/charges", {
      reference: "ord-ps-6",
      amount: { value: "12.3", currency: "USD" },
      source: { token: await token() },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request", reason: "VALIDATION_FAILED" });
    const missing = await ps("POST", "/charges/psw_ch_nope/settle", {});
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: "not_found", reason: "PAYMENT_NOT_FOUND" });
  });

  it("takes only its own key: the card provider's bearer key does not open it", async () => {
    expect((await ps("GET", "/charges", undefined, { token: null })).status).toBe(401);
    expect((await ps("GET", "/charges", undefined, { token: "wrong-key" })).status).toBe(401);
  });

  it("has fault knobs of its own: a PaySwift outage leaves the card provider up", async () => {
    expect((await h.call("PUT", "/admin/payswift/faults", { body: { outage: true } })).status).toBe(
      200,
    );
    try {
      const down = await ps("GET", "/charges?reference=x");
      expect(down.status).toBe(503);
      expect((await h.get("/v1/payments?orderId=x")).status).toBe(200);
      // Nothing executed under the token, so the same token succeeds once PaySwift is back.
      const src = await token();
      const body = {
        reference: "ord-ps-7",
        amount: { value: "3.00", currency: "EUR" },
        source: { token: src },
      };
      expect((await ps("POST", "/charges", body, { key: "ps-key-7" })).status).toBe(503);
      await h.call("DELETE", "/admin/payswift/faults");
      expect((await ps("POST", "/charges", body, { key: "ps-key-7" })).status).toBe(201);
    } finally {
      await h.call("DELETE", "/admin/payswift/faults");
    }
  });
});
