/**
 * Envelope encryption of personal data. Each data subject (a user, an invitation) has its own
 * AES-256-GCM data key, stored on the subject's row wrapped by the transit key `pii` (so rotating
 * the key-encryption key rewraps one short key per subject, never the data, and destroying a
 * subject's wrapped key shreds every field it sealed). Each field is sealed with associated data
 * naming its table, column and row id: a ciphertext copied to another row or column fails to open.
 */
import { DecryptionFailedError } from "../errors.ts";
import type { SecretsProvider } from "../provider.ts";
import { openAesGcm, sealAesGcm } from "../transit/aes-gcm.ts";

/** The transit key that wraps data keys. */
export const PII_KEY = "pii";
/** The transit key of blind indexes; its own key, so an index never helps decrypt a field. */
export const BLIND_INDEX_KEY = "pii-blind-index";
/**
 * Blind indexes are computed with version 1 of their key: a lookup must find rows indexed before a
 * rotation. Changing it means reindexing every row (a new column, backfilled, then switched).
 */
const BLIND_INDEX_KEY_VERSION = 1;

const FIELD_PREFIX = "agora:f1:";

/** Where a sealed value lives; bound into its tag. */
export interface FieldContext {
  table: string;
  column: string;
  rowId: string;
}

/** A subject's data key: plaintext for this request only, wrapped for the row. */
export interface SubjectKey {
  key: Buffer;
  wrapped: string;
}

const subjectAad = (table: string, subjectId: string) => Buffer.from(`agora/${table}/${subjectId}/data-key`);
const fieldAad = (c: FieldContext) => Buffer.from(`agora/${c.table}/${c.column}/${c.rowId}`);

export class PersonalDataCipher {
  constructor(private readonly secrets: SecretsProvider) {}

  /** Creates the transit keys this cipher needs (idempotent): start-up of whoever writes first. */
  async ensureKeys(): Promise<void> {
    await this.secrets.transit.createKey(PII_KEY);
    await this.secrets.transit.createKey(BLIND_INDEX_KEY);
  }

  /** A fresh data key for a new subject (`table` is the subject's table, e.g. `users`). */
  async newSubjectKey(table: string, subjectId: string): Promise<SubjectKey> {
    const { plaintext, ciphertext } = await this.secrets.transit.generateDataKey(PII_KEY, {
      associatedData: subjectAad(table, subjectId),
    });
    return { key: plaintext, wrapped: ciphertext };
  }

  async openSubjectKey(table: string, subjectId: string, wrapped: string): Promise<SubjectKey> {
    const key = await this.secrets.transit.decrypt(PII_KEY, wrapped, { associatedData: subjectAad(table, subjectId) });
    return { key, wrapped };
  }

  /** The subject's wrapped key under the newest `pii` version (same data key, so fields stay valid). */
  rewrapSubjectKey(table: string, subjectId: string, wrapped: string): Promise<string> {
    return this.secrets.transit.rewrap(PII_KEY, wrapped, { associatedData: subjectAad(table, subjectId) });
  }

  /** HMAC-SHA256 of the normalised value, hex: equality lookups without storing the value. */
  blindIndex(value: string): Promise<string> {
    return this.secrets.transit.hmac(BLIND_INDEX_KEY, Buffer.from(normaliseForIndex(value)), {
      keyVersion: BLIND_INDEX_KEY_VERSION,
    });
  }
}

export function sealField(key: SubjectKey, plaintext: string, where: FieldContext): string {
  return FIELD_PREFIX + sealAesGcm(key.key, Buffer.from(plaintext, "utf8"), fieldAad(where)).toString("base64");
}

export function openField(key: SubjectKey, sealed: string, where: FieldContext): string {
  const what = `${where.table}.${where.column}`;
  if (!sealed.startsWith(FIELD_PREFIX)) throw new DecryptionFailedError(what);
  const body = Buffer.from(sealed.slice(FIELD_PREFIX.length), "base64");
  return openAesGcm(key.key, body, fieldAad(where), what).toString("utf8");
}

/** Emails compare case-insensitively and without surrounding spaces, as sign-in's input schema does. */
export function normaliseForIndex(value: string): string {
  return value.trim().toLowerCase();
}
