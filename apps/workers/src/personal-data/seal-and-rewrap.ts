/**
 * The key jobs of personal data (maintenance pool), both idempotent and resumable — each row is
 * changed by one conditional UPDATE, so a crashed or repeated run only redoes what is left:
 *  - `sealPlaintextEmails`: the backfill of migration 0017 — rows still holding a plaintext
 *    `email` get a data key, a sealed address and a blind index, and lose the plaintext.
 *  - `sealPlaintextNames`: the backfill of migration 0024 — users' plaintext names, sealed under
 *    their data key.
 *  - `rewrapDataKeys`: after a rotation of the `pii` transit key, every wrapped data key below the
 *    latest version is rewrapped (the data itself is untouched); then the key's
 *    `min_decryption_version` may be raised, which `retireOldKeyVersions` does only once no row
 *    still needs an older version.
 */
import { core } from "@agora/db";
import {
  PII_KEY,
  personalDataCipher,
  rewrapDeliveryField,
  sealEmail,
  sealUserName,
  secretsFromEnv,
  userKey,
} from "@agora/secrets";

/** Tables whose rows carry a sealed address (migration 0017). */
export const SEALED_EMAIL_TABLES = ["users", "staff_invitations"] as const;
export type SealedEmailTable = (typeof SEALED_EMAIL_TABLES)[number];

const BATCH = 200;

export interface KeyJobProgress {
  phase: "seal" | "rewrap";
  table: SealedEmailTable;
  done: number;
  total: number;
}

export type OnProgress = (p: KeyJobProgress) => Promise<void> | void;

export async function sealPlaintextEmails(onProgress: OnProgress = () => {}): Promise<number> {
  let sealed = 0;
  for (const table of SEALED_EMAIL_TABLES) {
    const db = core().primary;
    const [{ total } = { total: 0 }] = await db.$queryRawUnsafe<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM ${table} WHERE email IS NOT NULL`,
    );
    let done = 0;
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await db.$queryRawUnsafe<{ id: string; email: string; dataKey: string | null }[]>(
        `SELECT id::text, email, data_key AS "dataKey" FROM ${table}
          WHERE email IS NOT NULL AND id > $1::uuid ORDER BY id LIMIT ${BATCH}`,
        after,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        // A row may have its key already (a checkout sealed an address under it): keep that key.
        const s = await sealEmail(table, row.id, row.email, row.dataKey);
        // Only if the address is still the one sealed: a concurrent change wins and is sealed next run.
        done += await db.$executeRawUnsafe(
          `UPDATE ${table} SET email_index = $2, email_sealed = $3, data_key = $4, email = NULL
            WHERE id = $1::uuid AND email = $5 AND data_key IS NOT DISTINCT FROM $6`,
          row.id,
          s.emailIndex,
          s.emailSealed,
          s.dataKey,
          row.email,
          row.dataKey,
        );
      }
      after = rows[rows.length - 1]?.id ?? after;
      await onProgress({ phase: "seal", table, done, total });
    }
    // Rows changed concurrently may make `done` differ from the count: the table is finished.
    await onProgress({ phase: "seal", table, done, total: done });
    sealed += done;
  }
  return sealed;
}

/**
 * The backfill of migration 0024: users still holding a plaintext `name` get it sealed under their
 * data key (run after `sealPlaintextEmails`, which gives every row a key), and lose the plaintext.
 */
export async function sealPlaintextNames(): Promise<number> {
  const db = core().primary;
  let sealed = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await db.$queryRawUnsafe<{ id: string; name: string; dataKey: string }[]>(
      `SELECT id::text, name, data_key AS "dataKey" FROM users
        WHERE name IS NOT NULL AND data_key IS NOT NULL AND id > $1::uuid ORDER BY id LIMIT ${BATCH}`,
      after,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const nameSealed = sealUserName(await userKey(row.id, row.dataKey), row.id, row.name);
      sealed += await db.$executeRawUnsafe(
        `UPDATE users SET name_sealed = $2, name = NULL WHERE id = $1::uuid AND name = $3 AND data_key = $4`,
        row.id,
        nameSealed,
        row.name,
        row.dataKey,
      );
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
  return sealed;
}

export async function rewrapDataKeys(onProgress: OnProgress = () => {}): Promise<number> {
  const cipher = await personalDataCipher();
  const latest = (await secretsFromEnv().transit.readKey(PII_KEY)).latestVersion;
  // A wrapped key may carry the `agora:k2:<n>:` prefix of its erasure secret before the version.
  const current = `%vault:v${latest}:%`;
  let rewrapped = 0;
  for (const table of SEALED_EMAIL_TABLES) {
    const db = core().primary;
    const [{ total } = { total: 0 }] = await db.$queryRawUnsafe<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM ${table} WHERE data_key IS NOT NULL AND data_key NOT LIKE $1`,
      current,
    );
    let done = 0;
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await db.$queryRawUnsafe<{ id: string; dataKey: string }[]>(
        `SELECT id::text, data_key AS "dataKey" FROM ${table}
          WHERE data_key IS NOT NULL AND data_key NOT LIKE $1 AND id > $2::uuid ORDER BY id LIMIT ${BATCH}`,
        current,
        after,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const wrapped = await cipher.rewrapSubjectKey(table, row.id, row.dataKey);
        done += await db.$executeRawUnsafe(
          `UPDATE ${table} SET data_key = $2 WHERE id = $1::uuid AND data_key = $3`,
          row.id,
          wrapped,
          row.dataKey,
        );
      }
      after = rows[rows.length - 1]?.id ?? after;
      await onProgress({ phase: "rewrap", table, done, total });
    }
    // Rows changed concurrently may make `done` differ from the count: the table is finished.
    await onProgress({ phase: "rewrap", table, done, total: done });
    rewrapped += done;
  }
  return rewrapped;
}

/** Deliveries sealed by transit (invitation mails) below the latest version: rewrapped in place. */
export async function rewrapSealedDeliveries(): Promise<number> {
  const latest = (await secretsFromEnv().transit.readKey(PII_KEY)).latestVersion;
  const current = `vault:v${latest}:%`;
  const db = core().primary;
  let rewrapped = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await db.$queryRawUnsafe<{ id: string; recipient: string; body: string }[]>(
      `SELECT id::text, recipient, body FROM notification_deliveries
        WHERE recipient LIKE 'vault:v%' AND recipient NOT LIKE $1 AND id > $2::uuid ORDER BY id LIMIT ${BATCH}`,
      current,
      after,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const recipient = await rewrapDeliveryField(row.id, "recipient", row.recipient);
      const body = await rewrapDeliveryField(row.id, "body", row.body);
      rewrapped += await db.$executeRawUnsafe(
        `UPDATE notification_deliveries SET recipient = $2, body = $3 WHERE id = $1::uuid AND recipient = $4`,
        row.id,
        recipient,
        body,
        row.recipient,
      );
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
  return rewrapped;
}

/** The oldest `pii` version a stored data key still uses (the latest when none is stored). */
export async function oldestKeyVersionInUse(): Promise<number> {
  const latest = (await secretsFromEnv().transit.readKey(PII_KEY)).latestVersion;
  let oldest = latest;
  for (const table of SEALED_EMAIL_TABLES) {
    const [row] = await core().primary.$queryRawUnsafe<{ v: number | null }[]>(
      `SELECT min(substring(data_key FROM '^(?:agora:k2:[0-9]+:)?vault:v([0-9]+):')::int) AS v FROM ${table} WHERE data_key IS NOT NULL`,
    );
    if (row?.v != null) oldest = Math.min(oldest, row.v);
  }
  const [delivery] = await core().primary.$queryRawUnsafe<{ v: number | null }[]>(
    `SELECT min(substring(recipient FROM '^vault:v([0-9]+):')::int) AS v FROM notification_deliveries
      WHERE recipient LIKE 'vault:v%'`,
  );
  if (delivery?.v != null) oldest = Math.min(oldest, delivery.v);
  return oldest;
}

/** Raises `min_decryption_version` to the oldest version still in use: older ones can no longer decrypt. */
export async function retireOldKeyVersions(): Promise<number> {
  const oldest = await oldestKeyVersionInUse();
  await secretsFromEnv().transit.configureKey(PII_KEY, { minDecryptionVersion: oldest });
  (await personalDataCipher()).forgetOpenedKeys();
  return oldest;
}

/** The whole job: seal what is left, rewrap, retire; progress 0–100 across the phases. */
export async function runPersonalDataKeyJob(report: (percent: number, p: KeyJobProgress) => Promise<void> | void) {
  const weight = (p: KeyJobProgress) =>
    (p.phase === "seal" ? 0 : 50) +
    (SEALED_EMAIL_TABLES.indexOf(p.table) * 25 + (p.total === 0 ? 25 : (25 * Math.min(p.done, p.total)) / p.total));
  const sealed =
    (await sealPlaintextEmails((p) => report(Math.round(weight(p)), p))) + (await sealPlaintextNames());
  const rewrapped =
    (await rewrapDataKeys((p) => report(Math.round(weight(p)), p))) + (await rewrapSealedDeliveries());
  const minDecryptionVersion = await retireOldKeyVersions();
  return { sealed, rewrapped, minDecryptionVersion };
}
