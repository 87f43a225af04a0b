import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizeBody,
  card,
  freshKey,
  startSim,
  type SimHarness,
} from "../testing/sim-harness.ts";

describe("request validation and routing", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSim();
  });
  afterAll(() => h.close());

  const paths = (body: { issues: { path: (string | number)[] }[] }) =>
    body.issues.map((i) => i.path.join("."));

  it("rejects malformed bodies with 400 and zod issues", async () => {
    const cases: [unknown, string[]][] = [
      [{}, ["amountCents", "currency", "orderId"]],
      // Neither a card nor a payment method token.
      [{ amountCents: 100, currency: "EUR", orderId: "o-1" }, ["paymentMethodId"]],
      [authorizeBody({ amountCents: 12.5 }), ["amountCents"]],
      [authorizeBody({ amountCents: "100" }), ["amountCents"]],
      [authorizeBody({ currency: "EURO" }), ["currency"]],
      [authorizeBody({ card: { ...card(), number: "4242 4242" } }), ["card.number"]],
      [
        authorizeBody({ card: { ...card(), expMonth: 13, cvc: 12 } }),
        ["card.expMonth", "card.cvc"],
      ],
      [authorizeBody({ surprise: true }), [""]],
      [[1, 2], [""]],
      ["text", [""]],
    ];
    for (const [body, expected] of cases) {
      const res = await h.post("/v1/payments/authorize", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: "validation_failed", message: expect.any(String) });
      expect(paths(res.body)).toEqual(expect.arrayContaining(expected));
    }
  });

  it("rejects invalid JSON, bad capture amounts and bad queries with 400, never 500", async () => {
    const raw = await h.call("POST", "/v1/payments/authorize", {
      key: freshKey(),
      raw: "{not json",
    });
    expect(raw.status).toBe(400);
    expect(raw.body.code).toBe("invalid_json");

    const auth = await h.post("/v1/payments/authorize", authorizeBody());
    const capture = await h.post(`/v1/payments/${auth.body.id}/capture`, { amountCents: 0 });
    expect(capture.status).toBe(400);
    expect(paths(capture.body)).toEqual(["amountCents"]);

    const list = await h.get("/v1/payments?createdAfter=yesterday");
    expect(list.status).toBe(400);
    expect(paths(list.body)).toEqual(["createdAfter"]);

    const key = await h.call("POST", "/v1/payments/authorize", {
      key: "has space",
      body: authorizeBody(),
    });
    expect(key.status).toBe(400);
    expect(key.body.code).toBe("idempotency_key_invalid");
  });

  it("answers 404 for an unknown route and 405 with Allow for a wrong method", async () => {
    const missing = await h.get("/v2/nothing");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("route_not_found");
    const wrong = await h.call("DELETE", "/v1/payments/authorize");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await h.get("/v1/payments/%E0%A4%A")).status).toBe(404);
  });

  it("answers a 4xx to odd request targets and keeps serving", async () => {
    const { port } = new URL(h.url);
    for (const target of [":abc", "*", "http://elsewhere.example/v1/payments"]) {
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(`GET ${target} HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n`);
        });
        let data = "";
        socket.on("data", (c: Buffer) => (data += c.toString("utf8")));
        socket.on("end", () => resolve(data.split("\r\n")[0] ?? ""));
        socket.on("error", reject);
      });
      expect(head, target).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect((await h.get("/healthz")).status).toBe(200);
  });

  it("reports live and ready", async () => {
    expect((await h.get("/healthz")).body).toEqual({ status: "ok" });
    expect((await h.get("/readyz")).body.status).toBe("ready");
  });
});
