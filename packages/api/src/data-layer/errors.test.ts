import { DatabaseUnavailableError } from "@agora/db";
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

  it("maps a probe timeout to TIMEOUT", () => {
    expect(toTRPCError(new TimeoutError("probe", 10))?.code).toBe("TIMEOUT");
  });

  it("leaves bugs and existing tRPC errors alone", () => {
    expect(toTRPCError(new TypeError("x is undefined"))).toBeUndefined();
    expect(toTRPCError(new TRPCError({ code: "NOT_FOUND" }))).toBeUndefined();
  });
});
