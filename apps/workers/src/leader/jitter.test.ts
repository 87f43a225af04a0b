import { describe, expect, it } from "vitest";
import { backoff, jitter } from "./jitter.ts";

describe("jitter", () => {
  it("spreads a delay over ±50 %", () => {
    expect(jitter(1000, () => 0)).toBe(500);
    expect(jitter(1000, () => 0.999)).toBe(1499);
  });
});

describe("backoff", () => {
  it("grows exponentially but never exceeds the cap", () => {
    expect(backoff(0, 100, 2000, () => 0.999)).toBeLessThanOrEqual(100);
    expect(backoff(3, 100, 2000, () => 0.999)).toBe(799);
    expect(backoff(30, 100, 2000, () => 0.999)).toBeLessThanOrEqual(2000);
    expect(backoff(5, 100, 2000, () => 0)).toBe(0);
  });
});
