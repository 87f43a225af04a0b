import { describe, expect, it } from "vitest";
import { sliIncrease } from "./sli-window.ts";

const req = (service: string, procedure: string, status: string, value: number, error?: string) => ({
  name: "agora_trpc_requests_total",
  labels: { service, procedure, status, ...(error ? { error } : {}) },
  value,
});

describe("SLI events from request counters", () => {
  it("counts nothing on the first scrape, then the increase per journey; client errors are good events", () => {
    const first = sliIncrease(undefined, [req("sf-1", "catalog.product", "ok", 100)]);
    expect(first.increase.browse).toEqual({ good: 0, total: 0 });
    const second = sliIncrease(first.totals, [
      req("sf-1", "catalog.product", "ok", 130),
      req("sf-1", "search.query", "error", 4, "INTERNAL_SERVER_ERROR"),
      req("sf-1", "checkout.place", "error", 2, "BAD_REQUEST"),
      req("sf-1", "ops.topology", "ok", 50),
    ]);
    expect(second.increase).toEqual({
      browse: { good: 30, total: 34 },
      checkout: { good: 2, total: 2 },
      "vendor-stock": { good: 0, total: 0 },
    });
  });

  it("treats a counter that went down as reset by a restart", () => {
    const a = sliIncrease(undefined, [req("vp", "vendor.stock.adjust", "ok", 500)]);
    const b = sliIncrease(a.totals, [req("vp", "vendor.stock.adjust", "ok", 7)]);
    expect(b.increase["vendor-stock"]).toEqual({ good: 7, total: 7 });
  });
});
