import { TRPCError } from "@trpc/server";
import { afterEach, describe, expect, it } from "vitest";
import { installOpsBackend, opsBackend, type OpsBackend } from "./backend.ts";

describe("opsBackend", () => {
  afterEach(() => installOpsBackend(undefined));

  it("answers PRECONDITION_FAILED when no backend is installed (storefront, vendor portal)", () => {
    expect(() => opsBackend()).toThrow(TRPCError);
    expect(() => opsBackend()).toThrow(/not available in this deployment/);
  });

  it("returns the backend the console installed", () => {
    const fake = { name: "fake" } as OpsBackend;
    installOpsBackend(fake);
    expect(opsBackend()).toBe(fake);
  });
});
