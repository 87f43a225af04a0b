import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authorizeBody, freshKey, startSim, type SimHarness } from "./testing/sim-harness.ts";

const shipmentBody = {
  orderId: "ord-f",
  vendorId: "ven-1",
  address: { name: "A", line1: "1 Main St", city: "Lyon", postalCode: "69001", country: "fr" },
  webhookUrl: "http://127.0.0.1:9/never-called",
};

describe("fault injection", () => {
  let h: SimHarness;
  beforeAll(async () => {
    // Webhooks here point at a closed port: give up at once so nothing lingers.
    h = await startSim({ carrier: { stepMs: 60_000, webhook: { maxAttempts: 1 } } });
  });
  afterEach(async () => {
    await h.call("DELETE", "/admin/faults");
  });
  afterAll(() => h.close());

  it("answers 503 for every payment call while an outage is injected and recovers after DELETE /admin/faults", async () => {
    const before = await h.post("/v1/payments/authorize", authorizeBody());
    expect(
      (await h.call("PUT", "/admin/faults", { body: { outage: true, scope: "payments" } })).status,
    ).toBe(200);

    const calls = [
      h.post("/v1/payments/authorize", authorizeBody()),
      h.post(`/v1/payments/${before.body.id}/capture`, {}),
      h.post(`/v1/payments/${before.body.id}/void`),
      h.post(`/v1/payments/${before.body.id}/refund`, {}),
      h.get(`/v1/payments/${before.body.id}`),
      h.get(`/v1/payments?orderId=${before.body.orderId}`),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(503);
      expect(res.body.code).toBe("outage");
      expect(res.headers.get("retry-after")).toBe("1");
    }
    expect((await h.get("/healthz")).status).toBe(200);
    expect((await h.get("/admin/faults")).body).toMatchObject({ outage: true, scope: "payments" });

    expect((await h.call("DELETE", "/admin/faults")).body.outage).toBe(false);
    const after = await h.get(`/v1/payments/${before.body.id}`);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("authorized");
  });

  it("scopes an outage to the carrier and leaves payments working", async () => {
    await h.call("PUT", "/admin/faults", { body: { outage: true, scope: "carrier" } });
    expect((await h.post("/v1/shipments", shipmentBody)).status).toBe(503);
    expect((await h.post("/v1/payments/authorize", authorizeBody())).status).toBe(201);
  });

  it("resets the connection in outageMode reset", async () => {
    await h.call("PUT", "/admin/faults", { body: { outage: true, outageMode: "reset" } });
    await expect(h.get("/v1/payments?orderId=x")).rejects.toThrow(/fetch failed/);
  });

  it("fails every call at errorRate 1 without executing it, so the same key works once faults clear", async () => {
    await h.call("PUT", "/admin/faults", { body: { errorRate: 1 } });
    const key = freshKey();
    const body = authorizeBody();
    const failed = await h.post("/v1/payments/authorize", body, key);
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe("injected_error");
    await h.call("DELETE", "/admin/faults");
    const ok = await h.post("/v1/payments/authorize", body, key);
    expect(ok.status).toBe(201);
    expect(ok.headers.get("idempotent-replayed")).toBeNull();
    expect((await h.get(`/v1/payments?orderId=${body.orderId}`)).body.data).toHaveLength(1);
  });

  it("delays calls by the injected latency", async () => {
    await h.call("PUT", "/admin/faults", { body: { latencyMs: 80, scope: "payments" } });
    const started = performance.now();
    expect((await h.get("/v1/payments?orderId=slow")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("rejects an invalid fault config with 400 and keeps the previous one", async () => {
    await h.call("PUT", "/admin/faults", { body: { errorRate: 0.5 } });
    const bad = await h.call("PUT", "/admin/faults", {
      body: { errorRate: 2, scope: "everything", extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("validation_failed");
    expect(bad.body.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(
      expect.arrayContaining(["errorRate", "scope"]),
    );
    expect((await h.get("/admin/faults")).body.errorRate).toBe(0.5);
  });

  it("exports active faults and captures in /metrics", async () => {
    await h.call("PUT", "/admin/faults", { body: { outage: true, scope: "carrier" } });
    const metrics = await h.get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('payment_sim_fault_outage{scope="carrier"} 1');
    expect(metrics.body).toMatch(/payment_sim_captures_total \d+/);
    expect(metrics.body).toMatch(
      /payment_sim_http_requests_total\{method="PUT",route="\/admin\/faults",status="200"\} \d+/,
    );
  });
});
