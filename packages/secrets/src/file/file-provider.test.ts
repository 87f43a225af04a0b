import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DecryptionFailedError,
  KeyVersionRetiredError,
  LeaseNotFoundError,
  SecretNotFoundError,
  VersionConflictError,
} from "../errors.ts";
import type { SecretsProvider } from "../provider.ts";
import { fileSecretsProvider } from "./file-provider.ts";

let dir: string;
let secrets: SecretsProvider;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "agora-secrets-"));
  secrets = fileSecretsProvider({ dir, actor: "unit-test" });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("KV v2", () => {
  it("keeps every version: a write adds one, reads get the latest or the one asked for", async () => {
    await secrets.kv.write("database/app", { username: "agora", password: "first" });
    await secrets.kv.write("database/app", { username: "agora", password: "second" });
    expect((await secrets.kv.read("database/app")).data.password).toBe("second");
    expect((await secrets.kv.read("database/app", { version: 1 })).data.password).toBe("first");
    const meta = await secrets.kv.metadata("database/app");
    expect(meta.currentVersion).toBe(2);
    expect(Object.keys(meta.versions)).toEqual(["1", "2"]);
    await expect(secrets.kv.read("database/app", { version: 3 })).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it("refuses a check-and-set write based on a stale version", async () => {
    await secrets.kv.write("app/x", { v: "1" }, { cas: 0 });
    await expect(secrets.kv.write("app/x", { v: "2" }, { cas: 0 })).rejects.toBeInstanceOf(VersionConflictError);
    expect((await secrets.kv.write("app/x", { v: "2" }, { cas: 1 })).version).toBe(2);
  });

  it("stores the file readable by its owner only", async () => {
    await secrets.kv.write("app/x", { v: "1" });
    expect((await stat(path.join(dir, "secrets.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "audit.log"))).mode & 0o777).toBe(0o600);
  });
});

describe("transit", () => {
  it("decrypts what it encrypted, and refuses a tampered ciphertext", async () => {
    await secrets.transit.createKey("k");
    const ct = await secrets.transit.encrypt("k", Buffer.from("hello"));
    expect(ct).toMatch(/^vault:v1:/);
    expect((await secrets.transit.decrypt("k", ct)).toString()).toBe("hello");
    const raw = Buffer.from(ct.slice("vault:v1:".length), "base64");
    raw[raw.length - 20] = (raw[raw.length - 20] ?? 0) ^ 1;
    await expect(secrets.transit.decrypt("k", `vault:v1:${raw.toString("base64")}`)).rejects.toBeInstanceOf(
      DecryptionFailedError,
    );
  });

  it("refuses other associated data than the ciphertext was bound to", async () => {
    await secrets.transit.createKey("k");
    const ct = await secrets.transit.encrypt("k", Buffer.from("x"), { associatedData: Buffer.from("users/1") });
    await expect(
      secrets.transit.decrypt("k", ct, { associatedData: Buffer.from("users/2") }),
    ).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it("rotates: old ciphertexts still decrypt, rewrap moves them to the newest version with the same plaintext", async () => {
    await secrets.transit.createKey("k");
    const v1 = await secrets.transit.encrypt("k", Buffer.from("secret"));
    const rotated = await secrets.transit.rotateKey("k");
    expect(rotated.latestVersion).toBe(2);
    expect(await secrets.transit.encrypt("k", Buffer.from("y"))).toMatch(/^vault:v2:/);
    const v2 = await secrets.transit.rewrap("k", v1);
    expect(v2).toMatch(/^vault:v2:/);
    expect((await secrets.transit.decrypt("k", v2)).toString()).toBe("secret");
  });

  it("enforces min_decryption_version, and never lets it pass the latest version", async () => {
    await secrets.transit.createKey("k");
    const v1 = await secrets.transit.encrypt("k", Buffer.from("old"));
    await secrets.transit.rotateKey("k");
    await secrets.transit.configureKey("k", { minDecryptionVersion: 2 });
    await expect(secrets.transit.decrypt("k", v1)).rejects.toBeInstanceOf(KeyVersionRetiredError);
    await expect(secrets.transit.rewrap("k", v1)).rejects.toBeInstanceOf(KeyVersionRetiredError);
    await expect(secrets.transit.configureKey("k", { minDecryptionVersion: 3 })).rejects.toBeInstanceOf(
      KeyVersionRetiredError,
    );
    expect((await secrets.transit.readKey("k")).minDecryptionVersion).toBe(2);
  });

  it("pins an HMAC to a key version, so it stays stable across rotations", async () => {
    await secrets.transit.createKey("idx");
    const before = await secrets.transit.hmac("idx", Buffer.from("a@b.c"), { keyVersion: 1 });
    await secrets.transit.rotateKey("idx");
    expect(await secrets.transit.hmac("idx", Buffer.from("a@b.c"), { keyVersion: 1 })).toBe(before);
    expect(await secrets.transit.hmac("idx", Buffer.from("a@b.c"))).not.toBe(before);
  });

  it("sees a rotation made by another process at its next call", async () => {
    await secrets.transit.createKey("k");
    const other = fileSecretsProvider({ dir, actor: "other" });
    expect((await other.transit.readKey("k")).latestVersion).toBe(1);
    await secrets.transit.rotateKey("k");
    expect((await other.transit.readKey("k")).latestVersion).toBe(2);
  });
});

describe("database leases", () => {
  it("hands out credentials under a lease that can be renewed and revoked", async () => {
    let clock = new Date("2026-01-01T00:00:00Z");
    const p = fileSecretsProvider({ dir, actor: "t", now: () => clock });
    await p.kv.write("database/app", { username: "agora_app", password: "pw-1" });
    const creds = await p.database.credentials("app", { ttlS: 60 });
    expect(creds).toMatchObject({ username: "agora_app", password: "pw-1", leaseDurationS: 60 });
    clock = new Date(clock.getTime() + 30_000);
    const renewed = await p.database.renew(creds.leaseId, { incrementS: 60 });
    expect(renewed.expiresAt).toBe("2026-01-01T00:01:30.000Z");
    await p.database.revoke(creds.leaseId);
    await expect(p.database.renew(creds.leaseId)).rejects.toBeInstanceOf(LeaseNotFoundError);
  });

  it("does not renew an expired lease", async () => {
    let clock = new Date("2026-01-01T00:00:00Z");
    const p = fileSecretsProvider({ dir, actor: "t", now: () => clock });
    await p.kv.write("database/app", { username: "agora_app", password: "pw" });
    const creds = await p.database.credentials("app", { ttlS: 10 });
    clock = new Date(clock.getTime() + 11_000);
    await expect(p.database.renew(creds.leaseId)).rejects.toBeInstanceOf(LeaseNotFoundError);
    expect(await p.database.leases()).toEqual([]);
  });
});

describe("audit log", () => {
  it("records who read what and when, refusals included, never a value", async () => {
    await secrets.kv.write("database/app", { username: "agora_app", password: "s3cr3t-value" });
    await secrets.kv.read("database/app");
    await secrets.kv.read("nope").catch((err: unknown) => expect(err).toBeInstanceOf(SecretNotFoundError));
    await secrets.transit.createKey("k");
    await secrets.transit.encrypt("k", Buffer.from("plain-text-value"));
    const entries = await secrets.audit.recent(10);
    expect(entries.map((e) => [e.op, e.target, e.ok])).toEqual([
      ["transit.encrypt", "k", true],
      ["transit.create", "k", true],
      ["kv.read", "nope", false],
      ["kv.read", "database/app", true],
      ["kv.write", "database/app", true],
    ]);
    expect(entries[3]).toMatchObject({ actor: "unit-test", version: 1 });
    const raw = await readFile(path.join(dir, "audit.log"), "utf8");
    expect(raw).not.toContain("s3cr3t-value");
    expect(raw).not.toContain("plain-text-value");
  });
});
