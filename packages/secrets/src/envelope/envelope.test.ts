import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DecryptionFailedError, KeyVersionRetiredError, SubjectErasedError } from "../errors.ts";
import { fileSecretsProvider } from "../file/file-provider.ts";
import type { SecretsProvider } from "../provider.ts";
import { openField, PII_KEY, PersonalDataCipher, sealField } from "./envelope.ts";

let dir: string;
let secrets: SecretsProvider;
let cipher: PersonalDataCipher;
const where = { table: "users", column: "email", rowId: "u-1" };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "agora-envelope-"));
  secrets = fileSecretsProvider({ dir, actor: "unit-test" });
  cipher = new PersonalDataCipher(secrets);
  await cipher.ensureKeys();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("envelope encryption of personal data", () => {
  it("opens what it sealed with the subject's key, and the sealed text holds no plaintext", async () => {
    const key = await cipher.newSubjectKey("users", "u-1");
    const sealed = sealField(key, "ada@example.com", where);
    expect(sealed).not.toContain("ada");
    const reopened = await cipher.openSubjectKey("users", "u-1", key.wrapped);
    expect(openField(reopened, sealed, where)).toBe("ada@example.com");
  });

  it("refuses a tampered field", async () => {
    const key = await cipher.newSubjectKey("users", "u-1");
    const sealed = sealField(key, "ada@example.com", where);
    const flipped = sealed.slice(0, -4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(() => openField(key, flipped, where)).toThrow(DecryptionFailedError);
  });

  it("refuses a field moved to another row or column (associated data)", async () => {
    const key = await cipher.newSubjectKey("users", "u-1");
    const sealed = sealField(key, "ada@example.com", where);
    expect(() => openField(key, sealed, { ...where, rowId: "u-2" })).toThrow(DecryptionFailedError);
    expect(() => openField(key, sealed, { ...where, column: "name" })).toThrow(DecryptionFailedError);
  });

  it("refuses a subject key wrapped for another subject", async () => {
    const key = await cipher.newSubjectKey("users", "u-1");
    await expect(cipher.openSubjectKey("users", "u-2", key.wrapped)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it("rewraps a subject key under the new key version: same data key, fields still open", async () => {
    const key = await cipher.newSubjectKey("users", "u-1");
    const sealed = sealField(key, "ada@example.com", where);
    await secrets.transit.rotateKey(PII_KEY);
    const rewrapped = await cipher.rewrapSubjectKey("users", "u-1", key.wrapped);
    expect(rewrapped).toMatch(/^agora:k2:1:vault:v2:/);
    await secrets.transit.configureKey(PII_KEY, { minDecryptionVersion: 2 });
    await expect(cipher.openSubjectKey("users", "u-1", key.wrapped)).rejects.toBeInstanceOf(KeyVersionRetiredError);
    expect(openField(await cipher.openSubjectKey("users", "u-1", rewrapped), sealed, where)).toBe("ada@example.com");
  });

  it("shreds a subject: every copy of its wrapped key stops opening, other subjects are untouched", async () => {
    const ada = await cipher.newSubjectKey("users", "u-1");
    const bob = await cipher.newSubjectKey("users", "u-2");
    const sealed = sealField(ada, "Ada Lovelace", { ...where, column: "name" });
    const copyInABackup = ada.wrapped;
    await cipher.shredSubject("users", "u-1");
    await cipher.shredSubject("users", "u-1"); // idempotent
    const err = await cipher.openSubjectKey("users", "u-1", copyInABackup).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubjectErasedError);
    expect((err as SubjectErasedError).code).toBe("SUBJECT_ERASED");
    // Neither the transit key alone nor the data key opens the field: it needs the destroyed secret.
    const dataKey = await secrets.transit.decrypt(PII_KEY, copyInABackup.replace(/^agora:k2:\d+:/, ""), {
      associatedData: Buffer.from("agora/users/u-1/data-key"),
    });
    expect(() => openField({ key: dataKey, wrapped: "" }, sealed, { ...where, column: "name" })).toThrow(
      DecryptionFailedError,
    );
    const bobKey = await cipher.openSubjectKey("users", "u-2", bob.wrapped);
    expect(bobKey.key.equals(bob.key)).toBe(true);
  });

  it("keeps fields of an earlier key of the same subject readable after a new key was made", async () => {
    const first = await cipher.newSubjectKey("users", "u-1");
    const sealed = sealField(first, "1 Main St", { ...where, column: "address" });
    await cipher.newSubjectKey("users", "u-1");
    const reopened = await cipher.openSubjectKey("users", "u-1", first.wrapped);
    expect(openField(reopened, sealed, { ...where, column: "address" })).toBe("1 Main St");
  });

  it("gives one blind index per email whatever its case, and a different one per email", async () => {
    const a = await cipher.blindIndex("Ada@Example.com ");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await cipher.blindIndex("ada@example.com")).toBe(a);
    expect(await cipher.blindIndex("bob@example.com")).not.toBe(a);
    await secrets.transit.rotateKey("pii-blind-index");
    expect(await cipher.blindIndex("ada@example.com")).toBe(a);
  });
});
