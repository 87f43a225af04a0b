import { describe, expect, it } from "vitest";
import { isIncomingNoise, isOutgoingNoise } from "./noise.ts";

describe("requests that are not traced", () => {
  it("leaves out incoming probes, scrapes, static assets and the collector's own receivers", () => {
    for (const p of [
      "/healthz",
      "/readyz",
      "/metrics",
      "/api/metrics",
      "/_next/static/x.js",
      "/favicon.ico",
      "/v1/traces",
    ])
      expect(isIncomingNoise(p), p).toBe(true);
    for (const p of ["/", "/api/trpc/catalog.home", "/products/42", "/api/auth/session"])
      expect(isIncomingNoise(p), p).toBe(false);
  });

  it("leaves out the payment watchdog's probe for an order that cannot exist, not a real order's list", () => {
    expect(isIncomingNoise("/payswift/v2/charges?reference=00000000-0000-0000-0000-000000000000")).toBe(true);
    expect(isIncomingNoise("/v1/payments?orderId=00000000-0000-0000-0000-000000000000")).toBe(true);
    expect(isIncomingNoise("/payswift/v2/charges?reference=10000000-0000-0000-0000-000000000000")).toBe(false);
  });

  it("leaves out our own calls to probes and scrapes, and nothing else", () => {
    for (const p of ["/readyz", "/healthz", "/metrics", "/api/metrics", "/readyz?verbose=1"])
      expect(isOutgoingNoise(p), p).toBe(true);
    for (const p of [
      "/v1/payments",
      "/payments?order=1",
      "/metricsx",
      "/api/trpc/health.ready",
      "/orders/readyz-report",
    ])
      expect(isOutgoingNoise(p), p).toBe(false);
  });
});
