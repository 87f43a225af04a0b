/**
 * A user's personal fields beyond the e-mail address — the name on the account, the shipping
 * address of each order — sealed under the user's own data key (`users.data_key`), so erasing the
 * user (crypto-shredding its erasure secret) takes all of them at once. Readers map an erased
 * user to `DELETED_CUSTOMER` instead of failing.
 */
import { SubjectErasedError } from "../errors.ts";
import { type FieldContext, openField, type SubjectKey, sealField } from "./envelope.ts";
import { personalDataCipher } from "./sealed-email.ts";

/** What readers show in place of an erased user's personal fields. */
export const DELETED_CUSTOMER = "Deleted customer";

/** A users row as read: a plaintext (old) or sealed name, or neither once erased. */
export interface StoredName {
  id: string;
  name: string | null;
  nameSealed: string | null;
  dataKey: string | null;
}

/** The user's field key (a new one when `wrapped` is null: store its `wrapped` on the row). */
export async function userKey(userId: string, wrapped: string | null): Promise<SubjectKey> {
  const cipher = await personalDataCipher();
  return wrapped === null ? cipher.newSubjectKey("users", userId) : cipher.openSubjectKey("users", userId, wrapped);
}

export const userNameField = (userId: string): FieldContext => ({ table: "users", column: "name", rowId: userId });

export function sealUserName(key: SubjectKey, userId: string, name: string): string {
  return sealField(key, name, userNameField(userId));
}

/** The name, or `DELETED_CUSTOMER` for an erased user (cleared columns or a shredded key). */
export async function openUserName(row: StoredName): Promise<string> {
  if (row.name !== null) return row.name;
  if (row.nameSealed === null || row.dataKey === null) return DELETED_CUSTOMER;
  try {
    return openField(await userKey(row.id, row.dataKey), row.nameSealed, userNameField(row.id));
  } catch (err) {
    if (err instanceof SubjectErasedError) return DELETED_CUSTOMER;
    throw err;
  }
}
