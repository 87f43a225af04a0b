import { describe, expect, it } from "vitest";
import { PAYMENTS_BREAKER_KEY } from "@agora/orders";
import { paymentsStatus } from "./payments-status.ts";

const redisWith = (value: string | null | Error) => ({
  async get(key: string) {
    expect(key).toBe(PAYMENTS_BREAKER_KEY);
    if (value instanceof Error) throw value;
    return value;
  },
});
const record = (state: string) => JSON.stringify({ state, since: 1, by: "test:1" });

describe("checkout.paymentsStatus", () => {
  it("is unavailable exactly while the published breaker is open", async () => {
    expect(await paymentsStatus(redisWith(record("open")))).toEqual({ available: false });
    expect(await paymentsStatus(redisWith(record("half-open")))).toEqual({ available: true });
    expect(await paymentsStatus(redisWith(record("closed")))).toEqual({ available: true });
    expect(await paymentsStatus(redisWith(null))).toEqual({ available: true });
  });

  it("lets the shopper try when Redis cannot say (place still checks)", async () => {
    expect(await paymentsStatus(redisWith(new Error("connection refused")))).toEqual({
      available: true,
    });
  });
});
