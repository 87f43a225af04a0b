import { describe, expect, it } from "vitest";
import { callClassOf, RATE_LIMITS, rateClassOf, rateSubject } from "./limits.ts";

describe("rate-limit table", () => {
  it("classifies queries as reads, mutations as writes, and named procedures by the table", () => {
    expect(rateClassOf("catalog.home", "query")).toBe("read");
    expect(rateClassOf("cart.add", "mutation")).toBe("write");
    expect(rateClassOf("reviews.create", "mutation")).toBe("review");
    expect(rateClassOf("checkout.place", "mutation")).toBe("checkout");
    // …counted by the procedure once the attempt is past the checkout line; every call is a write.
    expect(callClassOf("checkout.place", "mutation")).toBe("write");
    expect(callClassOf("reviews.create", "mutation")).toBe("review");
  });

  it("keeps writes tighter than reads, and checkout and reviews tightest", () => {
    for (const who of ["anonymous", "user"] as const) {
      const perMinute = (c: keyof typeof RATE_LIMITS) =>
        (RATE_LIMITS[c][who].limit * 60_000) / RATE_LIMITS[c][who].windowMs;
      expect(perMinute("write")).toBeLessThan(perMinute("read"));
      expect(perMinute("review")).toBeLessThan(perMinute("write"));
      expect(perMinute("checkout")).toBeLessThan(perMinute("write"));
    }
  });

  it("refuses checkout when the limiter cannot answer, admits browsing", () => {
    expect(RATE_LIMITS.checkout.failOpen).toBe(false);
    expect(RATE_LIMITS.read.failOpen).toBe(true);
  });
});

describe("rate subject", () => {
  it("limits signed-in callers per user, whatever their IP", () => {
    const h = new Headers({ "x-forwarded-for": "203.0.113.9" });
    expect(rateSubject(h, "u1")).toEqual({ kind: "user", id: "u1" });
  });

  it("counts anonymous callers by the address the edge wrote, not one a client put in X-Forwarded-For or X-Real-IP", () => {
    // A client rotating its own X-Forwarded-For (and X-Real-IP) stays one subject.
    const forged = ["198.51.100.1", "198.51.100.2, 198.51.100.3"].map((claim) =>
      rateSubject(
        new Headers({ "x-forwarded-for": `${claim}, 203.0.113.9`, "x-real-ip": claim }),
        null,
      ),
    );
    expect(forged).toEqual([
      { kind: "anonymous", id: "203.0.113.9" },
      { kind: "anonymous", id: "203.0.113.9" },
    ]);
    expect(rateSubject(new Headers({ "x-forwarded-for": "203.0.113.9" }), null)).toEqual({
      kind: "anonymous",
      id: "203.0.113.9",
    });
    expect(rateSubject(new Headers({ "x-real-ip": "198.51.100.1" }), null)).toEqual({
      kind: "anonymous",
      id: "local",
    });
  });

  it("falls back to one local bucket for in-process calls without forwarding headers", () => {
    expect(rateSubject(new Headers(), null)).toEqual({ kind: "anonymous", id: "local" });
  });
});
