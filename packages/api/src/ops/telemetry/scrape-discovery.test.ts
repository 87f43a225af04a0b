import type { ServiceInstance } from "@agora/registry";
import { describe, expect, it } from "vitest";
import { histogramQuantileMs, summarize, tierPoint } from "./metrics-history.ts";
import { discoverScrapeTargets, groupOf } from "./scrape-discovery.ts";

const configured = [
  { name: "storefront-1", url: "http://127.0.0.1:15900/api/metrics" },
  { name: "storefront-2", url: "http://127.0.0.1:15901/api/metrics" },
  { name: "workers-sagas", url: "http://127.0.0.1:15980/metrics" },
];

const instance = (service: string, instanceId: string, address: string, ready = true): ServiceInstance => ({
  service,
  instanceId,
  address,
  version: "dev",
  region: "local",
  ready,
  registeredAt: "2026-12-05T10:00:00.000Z",
});

describe("scrape target discovery", () => {
  it("adds the autoscaler's extra storefront instances from the registry at their registered address", () => {
    const targets = discoverScrapeTargets(configured, [
      instance("storefront", "storefront-1", "127.0.0.1:15900"),
      instance("storefront", "storefront-2", "127.0.0.1:15901"),
      instance("storefront", "storefront-3", "127.0.0.1:15902"),
      instance("storefront", "storefront-4", "127.0.0.1:15903", false),
    ]);
    expect(targets.filter((t) => t.group === "storefront").map((t) => [t.name, t.url])).toEqual([
      ["storefront-1", "http://127.0.0.1:15900/api/metrics"],
      ["storefront-2", "http://127.0.0.1:15901/api/metrics"],
      ["storefront-3", "http://127.0.0.1:15902/api/metrics"],
      // Draining (not ready) is still scraped: it is finishing requests.
      ["storefront-4", "http://127.0.0.1:15903/api/metrics"],
    ]);
    expect(targets.map((t) => t.name)).toContain("workers-sagas");
  });

  it("scrapes a rollout's instance and follows a registered address over the configured one", () => {
    const targets = discoverScrapeTargets(configured, [
      instance("storefront", "storefront-1", "127.0.0.1:40001"),
      instance("storefront", "storefront-101", "127.0.0.1:40101"),
    ]);
    const byName = new Map(targets.map((t) => [t.name, t]));
    expect(byName.get("storefront-1")).toMatchObject({ url: "http://127.0.0.1:40001/api/metrics", source: "registry" });
    expect(byName.get("storefront-101")).toMatchObject({ group: "storefront", source: "registry" });
  });

  it("keeps a configured instance that left the registry, so the page shows it down", () => {
    const targets = discoverScrapeTargets(configured, [instance("storefront", "storefront-1", "127.0.0.1:15900")]);
    expect(targets.find((t) => t.name === "storefront-2")).toMatchObject({ source: "configured", group: "storefront" });
  });

  it("leaves out registered services that serve no metrics", () => {
    const targets = discoverScrapeTargets(configured, [
      instance("realtime", "realtime-1", "127.0.0.1:15960"),
      instance("inventory", "inventory-1", "127.0.0.1:15990"),
    ]);
    expect(targets.map((t) => t.name)).toEqual(["storefront-1", "storefront-2", "workers-sagas"]);
  });

  it("scrapes the configured targets alone when the registry could not be read", () => {
    expect(discoverScrapeTargets(configured, undefined).map((t) => t.source)).toEqual(["configured", "configured", "configured"]);
  });

  it("groups numbered instances into their tier", () => {
    expect(["storefront-12", "workers-sagas", "vendor-portal"].map(groupOf)).toEqual(["storefront", "workers-sagas", "vendor-portal"]);
  });
});

/** Prometheus text of one instance: `fast` calls under 50 ms, `slow` between 1 and 2.5 s. */
const histogram = (fast: number, slow: number, errors = 0) => `
agora_trpc_requests_total{procedure="catalog.home",status="ok"} ${fast + slow - errors}
agora_trpc_requests_total{procedure="catalog.home",status="error",error="INTERNAL_SERVER_ERROR"} ${errors}
agora_trpc_duration_seconds_bucket{procedure="catalog.home",status="ok",le="0.05"} ${fast}
agora_trpc_duration_seconds_bucket{procedure="catalog.home",status="ok",le="1"} ${fast}
agora_trpc_duration_seconds_bucket{procedure="catalog.home",status="ok",le="2.5"} ${fast + slow}
agora_trpc_duration_seconds_bucket{procedure="catalog.home",status="ok",le="+Inf"} ${fast + slow}
`;

describe("storefront tier point", () => {
  it("merges every instance's histogram: one slow instance among fast ones moves the tier's p95", () => {
    const fast = { prev: summarize(0, histogram(0, 0)), cur: summarize(5_000, histogram(900, 0)) };
    const slow = { prev: summarize(0, histogram(0, 0)), cur: summarize(5_000, histogram(0, 100)) };
    const p = tierPoint(5_000, [fast, fast, slow]);
    // 1,900 calls in 5 s; the slowest 5 % (95) are all inside the slow instance's 1–2.5 s bucket.
    expect(p.rps).toBe(380);
    expect(p.p95Ms).toBeGreaterThan(1_000);
    expect(p.p50Ms).toBeLessThanOrEqual(50);
    expect(tierPoint(5_000, [fast, fast]).p95Ms).toBeLessThanOrEqual(50);
  });

  it("counts a restarted instance from zero and an instance that did not answer as down", () => {
    const restarted = { prev: summarize(0, histogram(5_000, 0)), cur: summarize(5_000, histogram(10, 0)) };
    const down = { prev: summarize(0, histogram(10, 0)) };
    const p = tierPoint(5_000, [restarted, down]);
    expect(p).toMatchObject({ instances: 2, up: 1, rps: 2 });
  });

  it("has no rate or quantile before a second scrape", () => {
    expect(tierPoint(0, [{ cur: summarize(0, histogram(10, 0)) }])).toMatchObject({ rps: null, p95Ms: null, up: 1 });
  });

  it("interpolates inside the bucket as histogram_quantile does", () => {
    const buckets = new Map([
      [0.1, 50],
      [0.2, 100],
      [Infinity, 100],
    ]);
    expect(histogramQuantileMs(0.75, buckets)).toBe(150);
    expect(histogramQuantileMs(0.5, new Map())).toBeNull();
  });
});
