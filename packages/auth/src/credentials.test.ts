import { hashPassword, legacyScryptHash, verifyPassword } from "@agora/db";
import { beforeAll, describe, expect, it, vi } from "vitest";

const verified = vi.hoisted(() => ({ hashes: [] as (string | undefined)[] }));

vi.mock("@agora/db", async (importOriginal) => {
  const db = await importOriginal<typeof import("@agora/db")>();
  return {
    ...db,
    core: () => {
      throw new Error("unit tests inject the user lookup");
    },
    verifyPasswordEvenly: async (password: string, hash: string | undefined) => {
      verified.hashes.push(hash);
      return db.verifyPasswordEvenly(password, hash);
    },
  };
});

const { verifyCredentials } = await import("./credentials.ts");
import type { StoredUser } from "./credentials.ts";

const VENDOR_A = "00000000-0000-4000-8000-00000000000a";
const VENDOR_B = "00000000-0000-4000-8000-00000000000b";
let users: Map<string, StoredUser>;
const findUser = async (email: string) => users.get(email) ?? null;

beforeAll(async () => {
  const passwordHash = await hashPassword("agora-demo");
  users = new Map<string, StoredUser>([
    [
      "owner@blue-fern.agora.local",
      {
        id: "u-owner",
        email: "owner@blue-fern.agora.local",
        name: "Owner",
        passwordHash,
        sessionEpoch: 3,
        grants: [
          { roleName: "vendor_owner", vendorId: VENDOR_A },
          { roleName: "shopper", vendorId: null },
          { roleName: "vendor_staff", vendorId: VENDOR_B },
          { roleName: "retired_role", vendorId: null },
        ],
      },
    ],
  ]);
});

describe("verifyCredentials", () => {
  it("signs in with roles and the tenant of the oldest vendor grant only", async () => {
    const user = await verifyCredentials(
      { email: "  Owner@Blue-Fern.agora.local ", password: "agora-demo" },
      findUser,
    );
    expect(user).toEqual({
      id: "u-owner",
      email: "owner@blue-fern.agora.local",
      name: "Owner",
      roles: ["vendor_owner", "shopper"],
      vendorId: VENDOR_A,
      epoch: 3,
    });
  });

  it("gives an unknown email and a wrong password the same answer after the same even check each", async () => {
    verified.hashes.length = 0;
    const unknown = await verifyCredentials(
      { email: "nobody@agora.local", password: "agora-demo" },
      findUser,
    );
    const wrong = await verifyCredentials(
      { email: "owner@blue-fern.agora.local", password: "not-it" },
      findUser,
    );
    expect(unknown).toBeNull();
    expect(wrong).toBeNull();
    // Both went through verifyPasswordEvenly (one argon2id + one scrypt check, whatever the hash).
    expect(verified.hashes).toHaveLength(2);
    expect(verified.hashes[0]).toBeUndefined();
    expect(verified.hashes[1]).toMatch(/^\$argon2id\$/);
  });

  it("replaces an old scrypt hash with argon2id on a good sign-in, and only then", async () => {
    const old = await legacyScryptHash("agora-demo");
    const user: StoredUser = { id: "u-old", email: "old@agora.local", name: "Old", passwordHash: old, grants: [] };
    const replaced: [string, string, string][] = [];
    const replace = async (id: string, from: string, to: string) => void replaced.push([id, from, to]);
    const lookup = async (email: string) => (email === user.email ? user : null);

    expect(await verifyCredentials({ email: user.email, password: "wrong" }, lookup, replace)).toBeNull();
    expect(replaced).toHaveLength(0);

    expect(await verifyCredentials({ email: user.email, password: "agora-demo" }, lookup, replace)).toMatchObject({
      id: "u-old",
    });
    expect(replaced).toHaveLength(1);
    const [id, from, to] = replaced[0]!;
    expect([id, from]).toEqual(["u-old", old]);
    expect(to).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword("agora-demo", to)).toBe(true);
  });

  it("leaves a current argon2id hash alone, and a failed rehash does not fail the sign-in", async () => {
    const replace = vi.fn(async () => {
      throw new Error("primary down");
    });
    const user = await verifyCredentials(
      { email: "owner@blue-fern.agora.local", password: "agora-demo" },
      findUser,
      replace,
    );
    expect(user?.id).toBe("u-owner");
    expect(replace).not.toHaveBeenCalled();
    const old: StoredUser = {
      id: "u-old2",
      email: "old2@agora.local",
      name: "Old",
      passwordHash: await legacyScryptHash("agora-demo"),
      grants: [],
    };
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await verifyCredentials({ email: old.email, password: "agora-demo" }, async () => old, replace)).not.toBeNull();
    expect(replace).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });

  it("rejects malformed input without looking anyone up", async () => {
    const lookup = vi.fn(findUser);
    for (const bad of [
      undefined,
      {},
      { email: "not-an-email", password: "x" },
      { email: "a@b.co", password: "" },
      { email: "a@b.co", password: "x".repeat(2000) },
    ]) {
      expect(await verifyCredentials(bad, lookup)).toBeNull();
    }
    expect(lookup).not.toHaveBeenCalled();
  });
});
