import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ManualScheduler } from "../clock.ts";
import { FileSimStore } from "../store.ts";
import {
  authorizeBody,
  card,
  freshKey,
  startSim,
  type SimHarness,
} from "../testing/sim-harness.ts";
import { TEST_CARDS } from "./test-cards.ts";

describe("payments", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSim();
  });
  afterAll(() => h.close());

  async function authorized(amountCents = 5_000) {
    const res = await h.post("/v1/payments/authorize", authorizeBody({ amountCents }));
    expect(res.status).toBe(201);
    return res.body as { id: string; orderId: string };
  }

  it("authorizes the success test card and holds the full amount", async () => {
    const res = await h.post(
      "/v1/payments/authorize",
      authorizeBody({ amountCents: 1234, currency: "eur" }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "payment",
      status: "authorized",
      amountCents: 1234,
      currency: "EUR",
      card: { brand: "visa", last4: "4242" },
      capture: null,
    });
    expect(res.body.id).toMatch(/^pay_/);
    expect((await h.get(`/v1/payments/${res.body.id}`)).body).toEqual(res.body);
  });

  it.each([
    ["the decline test card with card_declined", TEST_CARDS.declined, "card_declined"],
    [
      "the insufficient-funds test card with insufficient_funds",
      TEST_CARDS.insufficientFunds,
      "insufficient_funds",
    ],
    [
      "a number failing the Luhn check with incorrect_number",
      "4242424242424241",
      "incorrect_number",
    ],
  ])("declines %s", async (_name, number, code) => {
    const res = await h.post("/v1/payments/authorize", authorizeBody({ card: card(number) }));
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ code, payment: { status: "declined", declineCode: code } });
    const capture = await h.post(`/v1/payments/${res.body.paymentId}/capture`, {});
    expect(capture.status).toBe(409);
    expect(capture.body.code).toBe("payment_not_capturable");
  });

  it("declines an expired card with expired_card", async () => {
    const res = await h.post(
      "/v1/payments/authorize",
      authorizeBody({ card: { ...card(), expYear: 2001 } }),
    );
    expect(res.status).toBe(402);
    expect(res.body.code).toBe("expired_card");
  });

  it("replays the stored response for a repeated idempotency key and never captures twice", async () => {
    const p = await authorized();
    const key = freshKey();
    const first = await h.post(`/v1/payments/${p.id}/capture`, { amountCents: 5_000 }, key);
    const again = await h.post(`/v1/payments/${p.id}/capture`, { amountCents: 5_000 }, key);
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const ledger = await h.get(`/admin/ledger?orderId=${p.orderId}`);
    expect(ledger.body.orders).toEqual([
      {
        orderId: p.orderId,
        captureCount: 1,
        capturedCents: 5_000,
        refundedCents: 0,
        paymentIds: [p.id],
      },
    ]);
  });

  it("returns the same capture for a second capture under a new key, never a second charge", async () => {
    const p = await authorized();
    const first = await h.post(`/v1/payments/${p.id}/capture`, {});
    const second = await h.post(`/v1/payments/${p.id}/capture`, {});
    expect(second.status).toBe(200);
    expect(second.body.capture).toEqual(first.body.capture);
    const different = await h.post(`/v1/payments/${p.id}/capture`, { amountCents: 10 });
    expect(different.status).toBe(409);
    expect(different.body).toMatchObject({
      code: "payment_already_captured",
      capture: first.body.capture,
    });
    expect((await h.get(`/admin/ledger?orderId=${p.orderId}`)).body.orders[0].captureCount).toBe(1);
  });

  it("captures once when 20 captures with different keys race", async () => {
    const p = await authorized();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.post(`/v1/payments/${p.id}/capture`, { amountCents: 5_000 }),
      ),
    );
    expect(new Set(results.map((r) => r.body.capture.id)).size).toBe(1);
    expect((await h.get(`/admin/ledger?orderId=${p.orderId}`)).body.orders[0].captureCount).toBe(1);
  });

  it("answers 409 idempotency_key_reused when a key comes back with a different body", async () => {
    const key = freshKey();
    const body = authorizeBody();
    expect((await h.post("/v1/payments/authorize", body, key)).status).toBe(201);
    const reused = await h.post("/v1/payments/authorize", { ...body, amountCents: 1 }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe("idempotency_key_reused");
  });

  it("treats a body with reordered keys as the same request", async () => {
    const key = freshKey();
    const body = authorizeBody();
    const first = await h.call("POST", "/v1/payments/authorize", { key, body });
    const reordered = {
      card: body.card,
      orderId: body.orderId,
      currency: body.currency,
      amountCents: body.amountCents,
    };
    const again = await h.call("POST", "/v1/payments/authorize", { key, body: reordered });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
  });

  it("requires an Idempotency-Key on every mutating call", async () => {
    const p = await authorized();
    for (const path of [
      "/v1/payments/authorize",
      `/v1/payments/${p.id}/capture`,
      `/v1/payments/${p.id}/void`,
      `/v1/payments/${p.id}/refund`,
    ]) {
      const res = await h.call("POST", path, { body: {} });
      expect(res.status, path).toBe(400);
      expect(res.body.code).toBe("idempotency_key_missing");
    }
    expect((await h.get(`/v1/payments/${p.id}`)).body.status).toBe("authorized");
  });

  it("lets a key be reused after a validation failure, since nothing ran", async () => {
    const key = freshKey();
    expect((await h.post("/v1/payments/authorize", { amountCents: -1 }, key)).status).toBe(400);
    expect((await h.post("/v1/payments/authorize", authorizeBody(), key)).status).toBe(201);
  });

  it("captures a partial amount and refuses to capture more than authorized", async () => {
    const over = await authorized(1_000);
    const refused = await h.post(`/v1/payments/${over.id}/capture`, { amountCents: 1_001 });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("amount_exceeds_authorized");
    const partial = await h.post(`/v1/payments/${over.id}/capture`, { amountCents: 400 });
    expect(partial.body).toMatchObject({
      status: "captured",
      capturedCents: 400,
      capture: { amountCents: 400 },
    });
  });

  it("voids an authorization before capture and refuses to void after capture", async () => {
    const a = await authorized();
    const voided = await h.post(`/v1/payments/${a.id}/void`);
    expect(voided.body.status).toBe("voided");
    expect((await h.post(`/v1/payments/${a.id}/capture`, {})).body.code).toBe("payment_voided");

    const b = await authorized();
    await h.post(`/v1/payments/${b.id}/capture`, {});
    const late = await h.post(`/v1/payments/${b.id}/void`);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("payment_already_captured");
  });

  it("refunds partially, then fully, and refuses a refund above the captured amount", async () => {
    const p = await authorized(5_000);
    await h.post(`/v1/payments/${p.id}/capture`, { amountCents: 3_000 });
    const tooMuch = await h.post(`/v1/payments/${p.id}/refund`, { amountCents: 3_001 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: "refund_exceeds_captured", refundableCents: 3_000 });

    const part = await h.post(`/v1/payments/${p.id}/refund`, {
      amountCents: 1_000,
      reason: "damaged",
    });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({
      object: "refund",
      amountCents: 1_000,
      payment: { status: "partially_refunded" },
    });
    expect((await h.post(`/v1/payments/${p.id}/refund`, { amountCents: 2_001 })).body.code).toBe(
      "refund_exceeds_captured",
    );
    const rest = await h.post(`/v1/payments/${p.id}/refund`, {});
    expect(rest.body).toMatchObject({
      amountCents: 2_000,
      payment: { status: "refunded", refundedCents: 3_000 },
    });
    expect((await h.post(`/v1/payments/${p.id}/refund`, {})).body.code).toBe(
      "payment_fully_refunded",
    );
  });

  it("refuses to refund a payment that was never captured", async () => {
    const p = await authorized();
    const res = await h.post(`/v1/payments/${p.id}/refund`, { amountCents: 1 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("payment_not_captured");
  });

  it("lists an order's payments and answers 404 for an unknown payment", async () => {
    const orderId = `ord-list-${Date.now()}`;
    await h.post("/v1/payments/authorize", authorizeBody({ orderId }));
    await h.post(
      "/v1/payments/authorize",
      authorizeBody({ orderId, card: card(TEST_CARDS.declined) }),
    );
    const list = await h.get(`/v1/payments?orderId=${orderId}`);
    expect(list.body.data.map((p: { status: string }) => p.status).sort()).toEqual([
      "authorized",
      "declined",
    ]);
    const missing = await h.get("/v1/payments/pay_nope");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("payment_not_found");
  });
});

describe("processing-timeout card", () => {
  it("hangs until the injected scheduler passes 30 s, then answers 504 without storing the key", async () => {
    const clock = new ManualScheduler();
    const h = await startSim({ clock, scheduler: clock });
    try {
      const key = freshKey();
      let settled = false;
      const pending = h.post(
        "/v1/payments/authorize",
        authorizeBody({ card: card(TEST_CARDS.processingTimeout) }),
        key,
      );
      void pending.then(() => (settled = true));
      await vi.waitFor(() => expect(clock.pending).toBe(1));
      clock.advance(29_999);
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false);
      clock.advance(1);
      const res = await pending;
      expect(res.status).toBe(504);
      expect(res.body.code).toBe("processing_timeout");
      // A 5xx is not stored: the same key executes (and hangs) again.
      const retry = h.post(
        "/v1/payments/authorize",
        authorizeBody({ card: card(TEST_CARDS.processingTimeout) }),
        key,
      );
      await vi.waitFor(() => expect(clock.pending).toBe(1));
      clock.advance(30_000);
      expect((await retry).body.code).toBe("processing_timeout");
    } finally {
      await h.close();
    }
  });
});

describe("state file", () => {
  it("keeps payments and the capture ledger across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "payment-sim-"));
    try {
      const path = join(dir, "state.json");
      const first = await startSim({ store: FileSimStore.open(path) });
      const auth = await first.post("/v1/payments/authorize", authorizeBody());
      const captureKey = freshKey();
      const captured = await first.post(`/v1/payments/${auth.body.id}/capture`, {}, captureKey);
      await first.close();

      const second = await startSim({ store: FileSimStore.open(path) });
      try {
        expect((await second.get(`/v1/payments/${auth.body.id}`)).body.status).toBe("captured");
        const replay = await second.post(`/v1/payments/${auth.body.id}/capture`, {}, captureKey);
        expect(replay.headers.get("idempotent-replayed")).toBe("true");
        expect(replay.body).toEqual(captured.body);
        expect(
          (await second.get(`/admin/ledger?orderId=${auth.body.orderId}`)).body.orders[0]
            .captureCount,
        ).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
