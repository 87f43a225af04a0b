import { describe, expect, it } from "vitest";
import {
  hashPassword,
  legacyScryptHash,
  needsRehash,
  verifyPassword,
  verifyPasswordEvenly,
} from "./password.ts";

describe("password hashes", () => {
  it("are argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), not scrypt N=2^14", async () => {
    const h = await hashPassword("agora-demo");
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword("agora-demo", h)).toBe(true);
    expect(await verifyPassword("agora-demo!", h)).toBe(false);
    expect(needsRehash(h)).toBe(false);
  });

  it("still verify a hash of the old scrypt scheme, which asks to be replaced", async () => {
    const old = await legacyScryptHash("agora-demo");
    expect(old).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword("agora-demo", old)).toBe(true);
    expect(await verifyPassword("agora-demo!", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it("ask to replace an argon2id hash made with weaker parameters", async () => {
    const argon2 = (await import("argon2")).default;
    const weak = await argon2.hash("agora-demo", {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
    });
    expect(await verifyPassword("agora-demo", weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
  });

  it("refuse anything that is not one of the two schemes", async () => {
    expect(await verifyPassword("x", "plain-x")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
  });

  it("check evenly: either scheme verifies, and an unknown account is refused after the same work", async () => {
    const current = await hashPassword("pw-1");
    const old = await legacyScryptHash("pw-1");
    expect(await verifyPasswordEvenly("pw-1", current)).toBe(true);
    expect(await verifyPasswordEvenly("pw-1", old)).toBe(true);
    expect(await verifyPasswordEvenly("pw-2", current)).toBe(false);
    expect(await verifyPasswordEvenly("pw-2", old)).toBe(false);
    expect(await verifyPasswordEvenly("pw-1", undefined)).toBe(false);
  });
});
