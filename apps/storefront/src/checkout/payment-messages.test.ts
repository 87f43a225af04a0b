import { describe, expect, it } from "vitest";
import { orderFailureMessage, placeErrorMessage } from "./payment-messages.ts";

describe("checkout messages", () => {
  it("tells a declined card from insufficient funds", () => {
    expect(orderFailureMessage("payment_declined", "card_declined")).toMatch(/card was declined/);
    expect(orderFailureMessage("payment_declined", "insufficient_funds")).toMatch(
      /insufficient funds/,
    );
  });

  it("says nothing was charged when payments are unavailable or timed out", () => {
    expect(placeErrorMessage({ domainCode: "PAYMENTS_UNAVAILABLE", message: "x" })).toMatch(
      /Nothing was charged/,
    );
    expect(orderFailureMessage("payment_timeout", "")).toMatch(/did not answer in time/);
    expect(orderFailureMessage("payment_unavailable", "circuit_open")).toMatch(
      /Nothing was charged/,
    );
  });
});
