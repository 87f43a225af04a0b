/**
 * Encryption at rest of shopper addresses against the real core cluster: sign-up stores the
 * address sealed with the user's own data key and a blind index, sign-in finds the account through
 * that index, and the raw row (read with plain `pg`, as psql would) holds no plaintext address.
 */
import { randomUUID } from "node:crypto";
import { verifyCredentials } from "@agora/auth";
import { closeAll, core } from "@agora/db";
import { emailIndex } from "@agora/secrets";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { signUp } from "./sign-up.ts";

afterAll(() => closeAll());

async function rawUserRow(id: string): Promise<string> {
  const client = new pg.Client({ connectionString: process.env.AGORA_DB_URL_CORE_RW, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query<{ row: string }>("SELECT row_to_json(u)::text AS row FROM users u WHERE id = $1", [id]);
    return r.rows[0]?.row ?? "";
  } finally {
    await client.end();
  }
}

describe("sealed shopper e-mail addresses", () => {
  it("signs up and in through the blind index, and the stored row holds no plaintext address", async () => {
    const local = `sealed-${randomUUID().slice(0, 8)}`;
    const email = `${local}@encrypted.test`;
    await signUp({ email, name: "Sealed Shopper", password: "correct horse battery staple" });

    const user = await verifyCredentials({ email: email.toUpperCase(), password: "correct horse battery staple" });
    expect(user).toMatchObject({ email, name: "Sealed Shopper", roles: ["shopper"] });

    const raw = await rawUserRow(user!.id);
    expect(raw).not.toBe("");
    expect(raw).not.toContain(local);
    const stored = JSON.parse(raw) as Record<string, string | null>;
    expect(stored.email).toBeNull();
    expect(stored.email_index).toBe(await emailIndex(email));
    expect(stored.email_sealed).toMatch(/^agora:f1:/);
    // The wrapped key names the version of the erasure secret it pairs with (crypto-shredding).
    expect(stored.data_key).toMatch(/^agora:k2:\d+:vault:v\d+:/);
    // The name is sealed too (core 0024), under the same key.
    expect(stored.name).toBeNull();
    expect(stored.name_sealed).toMatch(/^agora:f1:/);
    expect(raw).not.toContain("Sealed Shopper");

    expect(await verifyCredentials({ email, password: "wrong password" })).toBeNull();
  });

  it("keeps one account per address: a second sign-up of the same address changes nothing", async () => {
    const email = `twice-${randomUUID().slice(0, 8)}@encrypted.test`;
    await signUp({ email, name: "First", password: "first password 123" });
    await signUp({ email, name: "Second", password: "second password 456" });
    const rows = await core().primary.user.findMany({ where: { emailIndex: await emailIndex(email) } });
    expect(rows).toHaveLength(1);
    expect(await verifyCredentials({ email, password: "first password 123" })).toMatchObject({ name: "First" });
    expect(await verifyCredentials({ email, password: "second password 456" })).toBeNull();
  });
});
