import { afterEach, describe, expect, it, vi } from "vitest";
import { startSim, startWebhookReceiver, type SimHarness } from "../testing/sim-harness.ts";
import { isLoopbackUrl } from "./loopback-url.ts";
import { SIGNATURE_HEADER, signCarrierPayload, verifyCarrierSignature } from "./signature.ts";
import { shipmentStatuses } from "./types.ts";
import { backoffMs } from "./webhook-dispatcher.ts";

const SECRET = "test-carrier-secret-0123456789";
const address = {
  name: "Ada",
  line1: "1 Main St",
  city: "Lyon",
  postalCode: "69001",
  country: "fr",
};

describe("carrier", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(webhook: { maxAttempts?: number } = {}) {
    const receiver = await startWebhookReceiver();
    const h: SimHarness = await startSim({
      carrier: {
        stepMs: 15,
        webhook: { secret: SECRET, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000, ...webhook },
      },
    });
    cleanups.push(receiver.close, h.close);
    return { receiver, h };
  }

  it("delivers carrier webhooks in order with a valid signature and retries a failing webhook", async () => {
    const { receiver, h } = await setup();
    receiver.failNext(2);
    const created = await h.post("/v1/shipments", {
      orderId: "ord-1",
      vendorId: "ven-1",
      address,
      webhookUrl: receiver.url,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "label_created", address: { country: "FR" } });
    const tracking = created.body.trackingNumber as string;
    expect(tracking).toMatch(/^TRK[0-9A-F]{12}$/);

    await vi.waitFor(
      () =>
        expect(receiver.received.filter((r) => r.answeredWith === 204)).toHaveLength(
          shipmentStatuses.length,
        ),
      { timeout: 3_000, interval: 10 },
    );

    const delivered = receiver.received
      .filter((r) => r.answeredWith === 204)
      .map((r) => JSON.parse(r.body));
    expect(delivered.map((e) => e.status)).toEqual([...shipmentStatuses]);
    expect(delivered.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    for (const r of receiver.received) {
      const header = r.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(
        verifyCarrierSignature({ secret: SECRET, header, body: r.body, now: Date.now() }),
      ).toBe(true);
      expect(
        verifyCarrierSignature({ secret: "wrong-secret", header, body: r.body, now: Date.now() }),
      ).toBe(false);
    }
    // The first event failed twice, was retried, and held back everything behind it.
    expect(
      receiver.received
        .slice(0, 3)
        .map((r) => [
          JSON.parse(r.body).status,
          r.headers["carrier-delivery-attempt"],
          r.answeredWith,
        ]),
    ).toEqual([
      ["label_created", "1", 500],
      ["label_created", "2", 500],
      ["label_created", "3", 204],
    ]);

    await h.sim.webhooksIdle();
    const shipment = await h.get(`/v1/shipments/${tracking}`);
    expect(shipment.body.status).toBe("delivered");
    expect(shipment.body.history.map((s: { status: string }) => s.status)).toEqual([
      ...shipmentStatuses,
    ]);
    expect(shipment.body.deliveries[0]).toMatchObject({
      status: "label_created",
      state: "delivered",
      attempts: 3,
      lastError: null,
    });
    expect(shipment.body.deliveries.every((d: { state: string }) => d.state === "delivered")).toBe(
      true,
    );
  });

  it("gives up on an event after maxAttempts and moves on to the next one", async () => {
    const { receiver, h } = await setup({ maxAttempts: 2 });
    receiver.failNext(2);
    const created = await h.post("/v1/shipments", {
      orderId: "ord-2",
      vendorId: "ven-1",
      address,
      webhookUrl: receiver.url,
    });
    const path = `/v1/shipments/${created.body.trackingNumber}`;
    await vi.waitFor(async () => expect((await h.get(path)).body.status).toBe("delivered"), {
      timeout: 3_000,
      interval: 20,
    });
    await h.sim.webhooksIdle();
    const { body } = await h.get(path);
    expect(body.deliveries[0]).toMatchObject({
      status: "label_created",
      state: "failed",
      attempts: 2,
      lastError: "HTTP 500",
    });
    expect(body.deliveries.slice(1).map((d: { state: string }) => d.state)).toEqual([
      "delivered",
      "delivered",
      "delivered",
      "delivered",
    ]);
    const metrics = await h.get("/metrics");
    expect(metrics.body).toContain('payment_sim_webhook_attempts_total{outcome="failed"} 1');
  });

  it("refuses a webhook URL off loopback with 400", async () => {
    const { h } = await setup();
    for (const webhookUrl of [
      "http://10.0.0.1/hook",
      "https://example.com/hook",
      "ftp://127.0.0.1/x",
      "not a url",
    ]) {
      const res = await h.post("/v1/shipments", {
        orderId: "o",
        vendorId: "v",
        address,
        webhookUrl,
      });
      expect(res.status, webhookUrl).toBe(400);
      expect(res.body.issues[0].path).toEqual(["webhookUrl"]);
    }
  });

  it("requires an Idempotency-Key to create a shipment and answers 404 for an unknown tracking number", async () => {
    const { h, receiver } = await setup();
    const res = await h.call("POST", "/v1/shipments", {
      body: { orderId: "o", vendorId: "v", address, webhookUrl: receiver.url },
    });
    expect(res.body.code).toBe("idempotency_key_missing");
    expect((await h.get("/v1/shipments/TRK000")).body.code).toBe("shipment_not_found");
  });
});

describe("carrier building blocks", () => {
  it("accepts only loopback webhook URLs", () => {
    for (const ok of [
      "http://127.0.0.1:3000/h",
      "http://localhost/h",
      "https://127.8.9.10/h",
      "http://[::1]:80/h",
      "http://127.1/h",
    ]) {
      expect(isLoopbackUrl(ok), ok).toBe(true);
    }
    for (const bad of [
      "http://128.0.0.1/h",
      "http://localhost.evil.com/h",
      "http://0.0.0.0/h",
      "file:///etc/passwd",
      "http://[::2]/h",
    ]) {
      expect(isLoopbackUrl(bad), bad).toBe(false);
    }
  });

  it("rejects a tampered body, a stale timestamp and a garbled header", () => {
    const body = JSON.stringify({ status: "delivered" });
    const header = signCarrierPayload(SECRET, body, 1_000_000);
    expect(verifyCarrierSignature({ secret: SECRET, header, body, now: 1_000_000 })).toBe(true);
    expect(
      verifyCarrierSignature({ secret: SECRET, header, body: `${body} `, now: 1_000_000 }),
    ).toBe(false);
    expect(
      verifyCarrierSignature({ secret: SECRET, header, body, now: 1_000_000 + 10 * 60_000 }),
    ).toBe(false);
    expect(verifyCarrierSignature({ secret: SECRET, header: "t=1,v1=zz", body, now: 1 })).toBe(
      false,
    );
    expect(verifyCarrierSignature({ secret: SECRET, header: undefined, body, now: 1 })).toBe(false);
  });

  it("backs off exponentially with jitter, never beyond the cap", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffMs(1, opts, () => 0)).toBe(50);
    expect(backoffMs(1, opts, () => 1)).toBe(100);
    expect(backoffMs(3, opts, () => 0.5)).toBe(300);
    expect(backoffMs(20, opts, () => 1)).toBe(1_000);
  });
});
