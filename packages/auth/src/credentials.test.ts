import { hashPassword } from "@agora/db";
import { beforeAll, describe, expect, it, vi } from "vitest";

const verified = vi.hoisted(() => ({ hashes: [] as string[] }));

vi.mock("@agora/db", async (importOriginal) => {
  const db = await importOriginal<typeof import("@agora/db")>();
  return {
    ...db,
    core: () => {
      throw new Error("unit tests inject the user lookup");
    },
    verifyPassword: async (password: string, hash: string) => {
      verified.hashes.push(hash);
      return db.verifyPassword(password, hash);
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

  it("gives an unknown email and a wrong password the same answer after one scrypt check each", async () => {
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
    expect(verified.hashes).toHaveLength(2);
    // The unknown user was checked against a dummy hash with the same scrypt parameters.
    expect(verified.hashes[0]?.split("$").slice(0, 4)).toEqual(
      verified.hashes[1]?.split("$").slice(0, 4),
    );
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
