import { describe, expect, it } from "vitest";
import { assertCommitToken, decideBounded } from "./consistency.ts";

describe("decideBounded", () => {
  it("uses the replica when its lag is within the bound", () => {
    expect(decideBounded({ in_recovery: true, lag_ms: 120 }, 500)).toEqual({
      use: true,
      reason: "within-bound",
      lagMs: 120,
    });
  });
  it("falls back to the primary when lag exceeds the bound", () => {
    expect(decideBounded({ in_recovery: true, lag_ms: 1500 }, 500)).toMatchObject({
      use: false,
      reason: "lag-exceeded",
    });
  });
  it("falls back to the primary when lag cannot be measured (replica never replayed a transaction)", () => {
    expect(decideBounded({ in_recovery: true, lag_ms: null }, 500)).toMatchObject({
      use: false,
      reason: "lag-exceeded",
    });
  });
  it("reports a node not in recovery as the primary", () => {
    expect(decideBounded({ in_recovery: false, lag_ms: null }, 0)).toMatchObject({
      use: true,
      reason: "replica-is-primary",
    });
  });
});

describe("assertCommitToken", () => {
  it("accepts WAL LSNs and rejects anything else", () => {
    expect(assertCommitToken("0/3000148")).toBe("0/3000148");
    expect(() => assertCommitToken("0/3000148'; DROP TABLE users; --")).toThrow(TypeError);
  });
});
