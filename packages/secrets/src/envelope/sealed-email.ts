/**
 * Sealed e-mail addresses, the one shape every table with an address uses (users,
 * staff_invitations): `email_index` (blind index), `email_sealed` (the address under the row's
 * data key) and `data_key` (that key, wrapped). Rows written before encryption still carry a
 * plaintext `email` until the backfill seals them; readers accept both.
 */
import { secretsFromEnv } from "../from-env.ts";
import { DecryptionFailedError } from "../errors.ts";
import { normaliseForIndex, openField, PersonalDataCipher, sealField } from "./envelope.ts";

export interface SealedEmailColumns {
  emailIndex: string;
  emailSealed: string;
  dataKey: string;
}

/** A row as read: a plaintext (old) or sealed (new) address. */
export interface StoredEmail {
  id: string;
  email: string | null;
  emailSealed: string | null;
  dataKey: string | null;
}

let ready: Promise<PersonalDataCipher> | undefined;

/** The process's cipher over its secrets provider, its transit keys created on first use. */
export function personalDataCipher(): Promise<PersonalDataCipher> {
  ready ??= (async () => {
    const cipher = new PersonalDataCipher(secretsFromEnv());
    await cipher.ensureKeys();
    return cipher;
  })().catch((err: unknown) => {
    // A provider that was unreachable once may answer the next caller.
    ready = undefined;
    throw err;
  });
  return ready;
}

export async function emailIndex(email: string): Promise<string> {
  return (await personalDataCipher()).blindIndex(email);
}

/**
 * The columns of row `rowId` of `table` holding `email` (normalised before sealing): under a new
 * data key, or under the row's `existingKey` (wrapped) when it already has one — other fields
 * (an order's address) may be sealed under it.
 */
export async function sealEmail(
  table: string,
  rowId: string,
  email: string,
  existingKey?: string | null,
): Promise<SealedEmailColumns> {
  const cipher = await personalDataCipher();
  const normalised = normaliseForIndex(email);
  const key = existingKey
    ? await cipher.openSubjectKey(table, rowId, existingKey)
    : await cipher.newSubjectKey(table, rowId);
  return {
    emailIndex: await cipher.blindIndex(normalised),
    emailSealed: sealField(key, normalised, { table, column: "email", rowId }),
    dataKey: key.wrapped,
  };
}

export async function openEmail(table: string, row: StoredEmail): Promise<string> {
  if (row.email !== null) return row.email;
  if (row.emailSealed === null || row.dataKey === null) throw new DecryptionFailedError(`${table}.email of ${row.id}`);
  const cipher = await personalDataCipher();
  const key = await cipher.openSubjectKey(table, row.id, row.dataKey);
  return openField(key, row.emailSealed, { table, column: "email", rowId: row.id });
}
