import { describe, expect, it } from "vitest";
import { clientAddress, IdentityPool, identityFor } from "./identity.ts";

describe("simulated client identities", () => {
  it("gives every client of a run its own address", () => {
    const pool = new IdentityPool("forwarded-for");
    const seen = new Set(Array.from({ length: 70_000 }, () => pool.take().address));
    expect(seen.size).toBe(70_000);
  });

  it("sends the address as X-Forwarded-For, or binds to it as a loopback source address", () => {
    expect(identityFor(257, "forwarded-for")).toEqual({
      address: "10.0.1.1",
      headers: { "x-forwarded-for": "10.0.1.1" },
    });
    const bound = identityFor(0, "source-address");
    expect(bound.headers).toEqual({});
    expect(bound.localAddress).toMatch(/^127\./);
    expect(bound.localAddress).not.toBe("127.0.0.1");
  });

  it("keeps source addresses distinct and inside 127.0.0.0/8", () => {
    const a = new Set(Array.from({ length: 1000 }, (_, i) => clientAddress(i, "source-address")));
    expect(a.size).toBe(1000);
    for (const x of a) expect(x).toMatch(/^127\.\d+\.\d+\.\d+$/);
  });
});
