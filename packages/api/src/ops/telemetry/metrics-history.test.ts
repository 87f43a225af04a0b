import { describe, expect, it } from "vitest";
import {
  breakerStateName,
  cdnMetricsText,
  derivePoint,
  providerReadings,
  summarize,
} from "./metrics-history.ts";

const scrape = (breaker: number, inUse: number, waiting: number) => `
# HELP resilience_breaker_state Circuit breaker state
resilience_breaker_state{breaker="payment-provider"} ${breaker}
resilience_breaker_state{breaker="carrier"} 0
agora_db_pool_connections{cluster="core",role="primary",state="in_use"} ${inUse}
agora_db_pool_connections{cluster="shard-1",role="primary",state="in_use"} 1
agora_db_pool_connections{cluster="core",role="primary",state="waiting"} ${waiting}
agora_db_pool_connections{cluster="core",role="primary",state="idle"} 7
`;

describe("metrics history", () => {
  it("reads each breaker's state by name and counts the ones not closed", () => {
    const raw = summarize(1_000, scrape(2, 3, 0));
    expect(raw.breakers.get("payment-provider")).toBe("open");
    expect(raw.breakers.get("carrier")).toBe("closed");
    expect(derivePoint(undefined, raw).openBreakers).toBe(1);
  });

  it("sums DB pool connections in use and waiting callers over every pool of the process", () => {
    const point = derivePoint(undefined, summarize(1_000, scrape(0, 3, 2)));
    expect(point.dbPoolInUse).toBe(4);
    expect(point.dbPoolWaiting).toBe(2);
  });

  it("lists both payment providers with their breaker and share of authorizations", () => {
    const worker = (card: number, swift: number, cardBreaker: number) =>
      summarize(
        1_000,
        `agora_resilience_breaker_state{breaker="payment-provider"} ${cardBreaker}
agora_resilience_breaker_state{breaker="payswift-provider"} 0
agora_payments_routed_total{provider="card",outcome="authorized"} ${card}
agora_payments_routed_total{provider="card",outcome="failed_over"} 7
agora_payments_routed_total{provider="payswift",outcome="authorized"} ${swift}
`,
      );
    expect(providerReadings([worker(10, 20, 2), worker(5, 5, 0)])).toEqual([
      { provider: "card", breaker: "open", authorized: 15, share: 0.375 },
      { provider: "payswift", breaker: "closed", authorized: 25, share: 0.625 },
    ]);
    expect(providerReadings([])).toEqual([
      { provider: "card", breaker: null, authorized: 0, share: null },
      { provider: "payswift", breaker: null, authorized: 0, share: null },
    ]);
  });

  it("decodes the breaker gauge", () => {
    expect([0, 1, 2].map(breakerStateName)).toEqual(["closed", "half-open", "open"]);
  });
});

describe("CDN edge in the metrics history", () => {
  it("charts the edge's hit ratio between two scrapes from its access-log counts", () => {
    const first = summarize(0, cdnMetricsText({ byStatus: {}, requests: 10, hitRatio: 0.5 }));
    const second = summarize(5_000, cdnMetricsText({ byStatus: {}, requests: 20, hitRatio: 0.7 }));
    // 10 more requests, 9 more served from the cache
    expect(derivePoint(first, second).cacheHitRatio).toBeCloseTo(0.9);
  });

  it("gives no ratio when the counts went backwards", () => {
    const first = summarize(0, cdnMetricsText({ byStatus: {}, requests: 20, hitRatio: 0.5 }));
    const second = summarize(5_000, cdnMetricsText({ byStatus: {}, requests: 5, hitRatio: 1 }));
    expect(derivePoint(first, second).cacheHitRatio).toBeNull();
  });
});
