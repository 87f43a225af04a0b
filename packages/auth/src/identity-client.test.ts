/** The sign-in clients' secrets: created once, rotated with a grace window, read-only when mounted. */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSecretsProvider } from "@agora/secrets";
import { describe, expect, it } from "vitest";
import {
  acceptedClientSecrets,
  identityClientSecret,
  identityClientsStore,
  rotateIdentityClientSecret,
} from "./identity-client.ts";

const store = () => fileSecretsProvider({ dir: mkdtempSync(join(tmpdir(), "agora-clients-")), actor: "test" });
const MINUTE = 60_000;

describe("client secret rotation", () => {
  it("accepts the old secret during the grace window and only the new one after it", async () => {
    const secrets = store();
    const old = await identityClientSecret("storefront", secrets);
    expect(await acceptedClientSecrets("storefront", secrets)).toEqual([old]);

    const t0 = new Date("2026-01-01T12:00:00Z");
    const r = await rotateIdentityClientSecret("storefront", secrets, 10 * MINUTE, t0);
    const fresh = await identityClientSecret("storefront", secrets);
    expect(fresh).not.toBe(old);
    expect(r.previousValidUntil).toBe("2026-01-01T12:10:00.000Z");

    const during = await acceptedClientSecrets("storefront", secrets, new Date(t0.getTime() + 9 * MINUTE));
    expect(during).toEqual([fresh, old]);
    const after = await acceptedClientSecrets("storefront", secrets, new Date(t0.getTime() + 10 * MINUTE));
    expect(after).toEqual([fresh]);
    // Another app's client is untouched.
    const portal = await identityClientSecret("vendor-portal", secrets);
    expect(await acceptedClientSecrets("vendor-portal", secrets, t0)).toEqual([portal]);
  });

  it("refuses a second rotation that raced the first (check-and-set)", async () => {
    const secrets = store();
    await identityClientSecret("ops-console", secrets);
    const results = await Promise.allSettled([
      rotateIdentityClientSecret("ops-console", secrets, MINUTE),
      rotateIdentityClientSecret("ops-console", secrets, MINUTE),
    ]);
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
  });
});

describe("a store the deployment provides (AGORA_IDENTITY_CLIENTS_DIR)", () => {
  it("is read, never written: a missing client is an error naming it, and reads are audited elsewhere", async () => {
    const mounted = mkdtempSync(join(tmpdir(), "agora-mounted-"));
    const own = mkdtempSync(join(tmpdir(), "agora-own-"));
    const clients = identityClientsStore({
      AGORA_IDENTITY_CLIENTS_DIR: mounted,
      AGORA_SECRETS_DIR: own,
      AGORA_SERVICE_NAME: "identity",
    });
    expect(clients.provided).toBe(true);
    await expect(identityClientSecret("storefront", clients)).rejects.toThrow(/identity\/clients\/agora-storefront/);
    expect(readdirSync(mounted)).toEqual([]);

    // The operator's store (create command): the same secret is read through the mount.
    const made = await identityClientSecret("storefront", fileSecretsProvider({ dir: mounted, actor: "cli" }));
    expect(await identityClientSecret("storefront", clients)).toBe(made);
    expect(readdirSync(own)).toContain("audit.log");
  });

  it("is required in production", () => {
    expect(() => identityClientsStore({ AGORA_ENV: "production", AGORA_SECRETS_DIR: "/x" })).toThrow(
      /AGORA_IDENTITY_CLIENTS_DIR/,
    );
  });
});
