import { describe, expect, it } from "vitest";
import { crossSiteReason } from "./cross-site.ts";

const post = (headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/api/trpc/cart.add", { method: "POST", headers });

describe("cross-site refusal of state-changing requests", () => {
  it("lets the app's own pages through (same-origin Fetch Metadata, or an Origin naming this host)", () => {
    expect(crossSiteReason(post({ "sec-fetch-site": "same-origin" }))).toBeNull();
    expect(crossSiteReason(post({ origin: "http://127.0.0.1:3000" }))).toBeNull();
    expect(
      crossSiteReason(post({ host: "shop.example:8443", origin: "https://shop.example:8443" })),
    ).toBeNull();
  });

  it("lets callers without a browser's headers through (bench, scripts, server components)", () => {
    expect(crossSiteReason(post({ "content-type": "application/json" }))).toBeNull();
  });

  it("refuses another site, another app on the same host, and opaque origins", () => {
    expect(crossSiteReason(post({ "sec-fetch-site": "cross-site" }))).toMatch(/cross-site/);
    // Another port of the same host is the same *site*: SameSite=Lax cookies go along.
    expect(crossSiteReason(post({ "sec-fetch-site": "same-site" }))).toMatch(/same-site/);
    expect(crossSiteReason(post({ origin: "http://evil.example" }))).toMatch(/evil/);
    expect(crossSiteReason(post({ origin: "http://127.0.0.1:3001" }))).not.toBeNull();
    expect(crossSiteReason(post({ origin: "null" }))).not.toBeNull();
  });

  it("trusts Fetch Metadata over an Origin that a non-browser could have written", () => {
    expect(
      crossSiteReason(post({ "sec-fetch-site": "cross-site", origin: "http://127.0.0.1:3000" })),
    ).not.toBeNull();
  });

  it("never refuses reads", () => {
    const get = new Request("http://127.0.0.1:3000/api/trpc/search.query", {
      headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSiteReason(get)).toBeNull();
  });
});
