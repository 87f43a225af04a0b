/** Which routes of the simulator take which bearer token (an unauthenticated plane was a finding). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeBody, startSim, type SimHarness } from "./testing/sim-harness.ts";

const ADMIN = "admin-token-of-this-test-0123456789abcdef";
const API_KEY = "api-key-of-this-test-0123456789abcdefghij";
let h: SimHarness;

beforeAll(async () => {
  h = await startSim({ adminToken: ADMIN, apiKey: API_KEY });
});
afterAll(() => h.close());

describe("payment simulator bearer tokens", () => {
  it("refuses fault admin and the capture ledger without the admin token, with the API key, or with a wrong one", async () => {
    for (const token of [null, API_KEY, "x".repeat(40)]) {
      const put = await h.call("PUT", "/admin/faults", { body: { outage: true }, token });
      expect(put.status).toBe(401);
      expect(put.headers.get("www-authenticate")).toBe("Bearer");
      expect((await h.call("GET", "/admin/faults", { token })).status).toBe(401);
      expect((await h.call("DELETE", "/admin/faults", { token })).status).toBe(401);
      expect((await h.call("GET", "/admin/ledger", { token })).status).toBe(401);
    }
    // Nothing was injected by the refused calls.
    expect((await h.call("GET", "/admin/faults", { token: ADMIN })).body.outage).toBe(false);
  });

  it("refuses the payment list and every server payment call without the provider API key", async () => {
    const created = await h.call("POST", "/v1/payments/authorize", {
      body: authorizeBody(),
      key: "k-1",
      token: API_KEY,
    });
    expect(created.status).toBe(201);
    for (const token of [null, ADMIN]) {
      expect(
        (await h.call("GET", `/v1/payments?orderId=${created.body.orderId}`, { token })).status,
      ).toBe(401);
      expect((await h.call("GET", `/v1/payments/${created.body.id}`, { token })).status).toBe(401);
      expect(
        (
          await h.call("POST", `/v1/payments/${created.body.id}/refund`, {
            body: {},
            key: "k-2",
            token,
          })
        ).status,
      ).toBe(401);
    }
    const list = await h.call("GET", `/v1/payments?orderId=${created.body.orderId}`, {
      token: API_KEY,
    });
    expect(list.body.data).toHaveLength(1);
  });

  it("keeps health probes and the browser's card step open", async () => {
    expect((await h.call("GET", "/healthz", { token: null })).status).toBe(200);
    const card = await h.call("POST", "/v1/payment-methods", {
      body: { card: authorizeBody().card },
      token: null,
    });
    expect(card.status).toBe(201);
  });
});
