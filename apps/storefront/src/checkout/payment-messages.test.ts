import { describe, expect, it } from "vitest";
import { busyRetry, orderFailureMessage, placeErrorMessage } from "./payment-messages.ts";

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

describe("the checkout line (admission control)", () => {
  it("reads the place in line and the wait from a CHECKOUT_BUSY answer, the finer hint first", () => {
    const err = {
      data: { domainCode: "CHECKOUT_BUSY", retryAfterSeconds: 1, details: { position: 12, retryAfterMs: 400 } },
    };
    expect(busyRetry(err)).toEqual({ position: 12, retryAfterMs: 400 });
    expect(busyRetry({ data: { domainCode: "CHECKOUT_BUSY", retryAfterSeconds: 3 } })).toEqual({
      position: 1,
      retryAfterMs: 3_000,
    });
  });

  it("keeps the wait between 0.25 and 30 s and ignores every other error", () => {
    expect(busyRetry({ data: { domainCode: "CHECKOUT_BUSY", details: { retryAfterMs: 0 } } })?.retryAfterMs).toBe(250);
    expect(busyRetry({ data: { domainCode: "CHECKOUT_BUSY", retryAfterSeconds: 600 } })?.retryAfterMs).toBe(30_000);
    expect(busyRetry({ data: { domainCode: "PAYMENTS_UNAVAILABLE", retryAfterSeconds: 3 } })).toBeNull();
    expect(busyRetry({ data: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 3 } })).toBeNull();
    expect(busyRetry(new Error("network"))).toBeNull();
  });
});
