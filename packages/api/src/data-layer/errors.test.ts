import { DatabaseUnavailableError, VendorMovingError } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { toTRPCError } from "./errors.ts";
import { TimeoutError } from "./timeout.ts";

describe("toTRPCError", () => {
  it("maps an unavailable database to SERVICE_UNAVAILABLE", () => {
    expect(toTRPCError(new DatabaseUnavailableError("core", "ECONNREFUSED"))?.code).toBe(
      "SERVICE_UNAVAILABLE",
    );
  });

  it("maps a database that rejects our credentials to SERVICE_UNAVAILABLE with the reason", () => {
    const prismaLike = Object.assign(new Error("Authentication failed"), { code: "P1000" });
    const mapped = toTRPCError(prismaLike);
    expect(mapped?.code).toBe("SERVICE_UNAVAILABLE");
    expect(mapped?.message).toContain("credentials rejected");
  });

  it("maps a vendor whose writes stayed fenced by a shard move to a retryable SERVICE_UNAVAILABLE", () => {
    const mapped = toTRPCError(new VendorMovingError("8f9c4a52-0000-4000-8000-000000000001"));
    expect(mapped?.code).toBe("SERVICE_UNAVAILABLE");
    expect(mapped?.message).toMatch(/being moved between shards; try again/);
    // The shard's own refusal, as Prisma wraps it, when it escapes a writer without the retry.
    const raw = Object.assign(new Error("Raw query failed"), {
      code: "P2010",
      meta: { driverAdapterError: { cause: { originalCode: "AG001" } } },
    });
    expect(toTRPCError(raw)?.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("maps a probe timeout to TIMEOUT", () => {
    expect(toTRPCError(new TimeoutError("probe", 10))?.code).toBe("TIMEOUT");
  });

  it("leaves bugs and existing tRPC errors alone", () => {
    expect(toTRPCError(new TypeError("x is undefined"))).toBeUndefined();
    expect(toTRPCError(new TRPCError({ code: "NOT_FOUND" }))).toBeUndefined();
  });
});
