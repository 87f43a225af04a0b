import { describe, expect, it } from "vitest";
import { bearerHeader, bearerMatches } from "./service-token.ts";

describe("service bearer tokens", () => {
  const token = "a".repeat(40);

  it("accepts exactly `Bearer <token>`", () => {
    expect(bearerMatches(bearerHeader(token).authorization, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });

  it("refuses a missing header, another scheme, another token and a prefix of the token", () => {
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches("", token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${"b".repeat(40)}`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token.slice(0, 10)}`, token)).toBe(false);
  });
});
