/**
 * The personal-data key job against the real core cluster and the topology's secrets store:
 * a row written before encryption is sealed by the backfill (and can still sign in), a rotation of
 * the `pii` key is followed by a rewrap of every data key, and the raised minimum decryption
 * version refuses a data key wrapped under the retired version.
 */
import { randomUUID } from "node:crypto";
import { verifyCredentials } from "@agora/auth";
import { closeAll, core, hashPassword } from "@agora/db";
import { KeyVersionRetiredError, PII_KEY, personalDataCipher, secretsFromEnv } from "@agora/secrets";
import { afterAll, describe, expect, it } from "vitest";
import { oldestKeyVersionInUse, runPersonalDataKeyJob } from "./seal-and-rewrap.ts";

afterAll(() => closeAll());

describe("personal-data key job", () => {
  it("seals plaintext rows, rewraps every data key after a rotation and retires the old version", async () => {
    const email = `legacy-${randomUUID().slice(0, 8)}@rotation.test`;
    const password = "legacy password 123";
    const legacy = await core().primary.user.create({
      data: { email, name: "Legacy", passwordHash: await hashPassword(password) },
      select: { id: true },
    });

    const progress: number[] = [];
    const first = await runPersonalDataKeyJob((percent) => {
      progress.push(percent);
    });
    expect(first.sealed).toBeGreaterThanOrEqual(1);
    const sealed = await core().primary.user.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(sealed.email).toBeNull();
    expect(sealed.emailSealed).not.toContain("legacy-");
    expect((await verifyCredentials({ email, password }))?.id).toBe(legacy.id);

    const secrets = secretsFromEnv();
    const rotated = await secrets.transit.rotateKey(PII_KEY);
    const oldWrapped = sealed.dataKey!;
    expect(oldWrapped.startsWith(`vault:v${rotated.latestVersion}:`)).toBe(false);

    const second = await runPersonalDataKeyJob((percent) => {
      progress.push(percent);
    });
    expect(second.rewrapped).toBeGreaterThanOrEqual(1);
    expect(second.minDecryptionVersion).toBe(rotated.latestVersion);
    expect(await oldestKeyVersionInUse()).toBe(rotated.latestVersion);
    const rewrapped = await core().primary.user.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(rewrapped.dataKey).toMatch(new RegExp(`^agora:k2:\\d+:vault:v${rotated.latestVersion}:`));
    expect(rewrapped.name).toBeNull();
    expect(rewrapped.nameSealed).not.toContain("Legacy");
    expect(rewrapped.emailSealed).toBe(sealed.emailSealed);
    expect((await verifyCredentials({ email, password }))?.email).toBe(email);

    // The copy wrapped under the retired version no longer opens.
    const cipher = await personalDataCipher();
    await expect(cipher.openSubjectKey("users", legacy.id, oldWrapped)).rejects.toBeInstanceOf(KeyVersionRetiredError);
    expect(Math.max(...progress)).toBe(100);
  });
});
