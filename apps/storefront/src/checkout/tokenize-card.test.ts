import { describe, expect, it } from "vitest";
import { tokenOf } from "./tokenize-card.ts";

describe("the card step's answer", () => {
  it("yields the provider's pm_ token", () => {
    expect(tokenOf({ id: "pm_abc123XYZ", object: "payment_method", card: { last4: "4242" } })).toBe(
      "pm_abc123XYZ",
    );
  });

  it("yields nothing that is not a pm_ token, so a card number can never be sent on", () => {
    expect(tokenOf({ id: "4242424242424242" })).toBeNull();
    expect(tokenOf({ id: "pm_" })).toBeNull();
    expect(tokenOf(null)).toBeNull();
    expect(tokenOf("pm_abc123")).toBeNull();
  });
});
