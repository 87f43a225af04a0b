import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { productReadFault } from "./release-fault.ts";

describe("productReadFault", () => {
  it("fails the given share of product reads with a server error, and none without the flag", () => {
    const draws = Array.from({ length: 100 }, (_, i) => i / 100);
    const failures = (rate: number) =>
      draws.filter((d) => {
        try {
          productReadFault(() => d, { AGORA_RELEASE: "v2", AGORA_FAULT_PRODUCT_READ_RATE: rate });
          return false;
        } catch (err) {
          expect(err).toBeInstanceOf(TRPCError);
          expect((err as TRPCError).code).toBe("INTERNAL_SERVER_ERROR");
          return true;
        }
      }).length;
    expect(failures(0.2)).toBe(20);
    expect(failures(0)).toBe(0);
  });
});
