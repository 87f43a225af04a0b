import { describe, expect, it } from "vitest";
import { agoraNextConfig } from "./index.ts";

describe("security headers of every app", () => {
  it("refuses framing, sniffing, referrer leaks and unused device APIs on every path", async () => {
    const rules = await agoraNextConfig().headers!();
    const always = rules.find((r) => r.source === "/:path*" && !r.has);
    const headers = Object.fromEntries(always!.headers.map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"]).toMatch(/camera=\(\)/);
    // HSTS is not among them: plain HTTP (local, tests) must never pin a host to HTTPS.
    expect(headers["strict-transport-security"]).toBeUndefined();
  });

  it("adds HSTS only to responses the edge served over HTTPS", async () => {
    const rules = await agoraNextConfig().headers!();
    const https = rules.find((r) => r.has?.some((h) => h.key === "x-forwarded-proto"));
    expect(https?.has).toEqual([{ type: "header", key: "x-forwarded-proto", value: "https" }]);
    expect(https?.headers.map((h) => h.key)).toEqual(["Strict-Transport-Security"]);
  });
});
