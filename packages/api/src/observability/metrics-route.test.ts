import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsRoute } from "./metrics-route.ts";

const TOKEN = "metrics-token-of-this-test-0123456789abcd";
const saved = process.env.AGORA_METRICS_TOKEN;
beforeAll(() => {
  process.env.AGORA_METRICS_TOKEN = TOKEN;
});
afterAll(() => {
  if (saved === undefined) delete process.env.AGORA_METRICS_TOKEN;
  else process.env.AGORA_METRICS_TOKEN = saved;
});

const scrape = (authorization?: string) =>
  metricsRoute(
    new Request("http://app/api/metrics", { headers: authorization ? { authorization } : {} }),
  );

describe("the apps' /api/metrics", () => {
  it("answers 401 to a request without the scrape token, or with another one", async () => {
    for (const auth of [undefined, `Bearer ${"x".repeat(40)}`, TOKEN]) {
      const res = await scrape(auth);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    }
  });

  it("serves Prometheus text to the scraper's token", async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  });
});
