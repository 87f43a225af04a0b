/**
 * Envelope encryption of personal data. Each data subject (a user, an invitation) has its own
 * AES-256-GCM data key, stored on the subject's row wrapped by the transit key `pii` (so rotating
 * the key-encryption key rewraps one short key per subject, never the data). Each field is sealed
 * with associated data naming its table, column and row id: a ciphertext copied to another row or
 * column fails to open.
 *
 * Crypto-shredding: the key that seals a subject's fields is derived from the wrapped data key AND
 * a per-subject erasure secret kept only in the secrets store (KV `pii/subjects/<table>/<id>`).
 * Destroying that secret (`shredSubject`) makes every field of the subject unreadable wherever a
 * copy of the row lives — replicas, dumps, backups — since none of them ever held the secret.
 * Wrapped keys written before erasure secrets existed (`vault:v<N>:…` without the `agora:k2:`
 * prefix) still open; erasing such a subject clears its live rows only.
 */
import { createHmac, randomBytes } from "node:crypto";
import { DecryptionFailedError, SecretNotFoundError, SubjectErasedError } from "../errors.ts";
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
/** A wrapped data key paired with an erasure secret: `agora:k2:<secret version>:vault:v<N>:…`. */
const SUBJECT_KEY_PREFIX = "agora:k2:";
const ERASURE_SECRET_BYTES = 32;

/** Where a subject's erasure secret lives in the secrets store's KV. */
export const erasureSecretPath = (table: string, subjectId: string) => `pii/subjects/${table}/${subjectId}`;

/** The field key of a subject: HMAC-SHA256 of the data key under the erasure secret (32 bytes). */
const fieldKeyOf = (dataKey: Buffer, erasureSecret: Buffer) =>
  createHmac("sha256", erasureSecret).update(dataKey).digest();

interface ParsedWrapped {
  /** KV version of the erasure secret; null for a key written before erasure secrets. */
  secretVersion: number | null;
  transit: string;
}

function parseWrapped(wrapped: string): ParsedWrapped {
  if (!wrapped.startsWith(SUBJECT_KEY_PREFIX)) return { secretVersion: null, transit: wrapped };
  const rest = wrapped.slice(SUBJECT_KEY_PREFIX.length);
  const colon = rest.indexOf(":");
  const version = Number(rest.slice(0, colon));
  if (colon < 1 || !Number.isInteger(version) || version < 1) throw new DecryptionFailedError("a wrapped data key");
  return { secretVersion: version, transit: rest.slice(colon + 1) };
}

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

/**
 * Opened subject keys are kept this long in the process: a page listing 100 reviews or a vendor's
 * order page would otherwise ask the secrets store twice per subject (transit unwrap, erasure
 * secret). An erased row has no wrapped key any more, so readers see it as deleted at once; only a
 * copy of the row read before the erasure could still open for this long in a process that had
 * opened it.
 */
const OPENED_KEY_TTL_MS = 30_000;
const OPENED_KEY_MAX = 10_000;

export class PersonalDataCipher {
  private readonly opened = new Map<string, { key: SubjectKey; until: number }>();

  constructor(private readonly secrets: SecretsProvider) {}

  /** Creates the transit keys this cipher needs (idempotent): start-up of whoever writes first. */
  async ensureKeys(): Promise<void> {
    await this.secrets.transit.createKey(PII_KEY);
    await this.secrets.transit.createKey(BLIND_INDEX_KEY);
  }

  /**
   * A fresh data key for a new subject (`table` is the subject's table, e.g. `users`), with a new
   * erasure secret in the store. A second call for the same subject adds a secret version; the
   * wrapped key names the version it pairs with, so fields sealed under an older key still open.
   */
  async newSubjectKey(table: string, subjectId: string): Promise<SubjectKey> {
    const { plaintext, ciphertext } = await this.secrets.transit.generateDataKey(PII_KEY, {
      associatedData: subjectAad(table, subjectId),
    });
    const secret = randomBytes(ERASURE_SECRET_BYTES);
    const { version } = await this.secrets.kv.write(erasureSecretPath(table, subjectId), {
      key: secret.toString("base64"),
    });
    return { key: fieldKeyOf(plaintext, secret), wrapped: `${SUBJECT_KEY_PREFIX}${version}:${ciphertext}` };
  }

  /** The subject's field key; `SubjectErasedError` once `shredSubject` destroyed its secret. */
  async openSubjectKey(table: string, subjectId: string, wrapped: string): Promise<SubjectKey> {
    const cacheKey = `${table}/${subjectId}/${wrapped}`;
    const hit = this.opened.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.key;
    const key = await this.unwrapSubjectKey(table, subjectId, wrapped);
    if (this.opened.size >= OPENED_KEY_MAX) this.opened.clear();
    this.opened.set(cacheKey, { key, until: Date.now() + OPENED_KEY_TTL_MS });
    return key;
  }

  private async unwrapSubjectKey(table: string, subjectId: string, wrapped: string): Promise<SubjectKey> {
    const parsed = parseWrapped(wrapped);
    const dataKey = await this.secrets.transit.decrypt(PII_KEY, parsed.transit, {
      associatedData: subjectAad(table, subjectId),
    });
    if (parsed.secretVersion === null) return { key: dataKey, wrapped };
    const secret = await this.secrets.kv
      .read(erasureSecretPath(table, subjectId), { version: parsed.secretVersion })
      .catch((err: unknown) => {
        if (err instanceof SecretNotFoundError) throw new SubjectErasedError(table, subjectId);
        throw err;
      });
    const material = secret.data.key;
    if (!material) throw new SubjectErasedError(table, subjectId);
    return { key: fieldKeyOf(dataKey, Buffer.from(material, "base64")), wrapped };
  }

  /** Drops every opened key of this process (after retiring `pii` versions, other processes follow within the TTL). */
  forgetOpenedKeys(): void {
    this.opened.clear();
  }

  /** The subject's wrapped key under the newest `pii` version (same data key, so fields stay valid). */
  async rewrapSubjectKey(table: string, subjectId: string, wrapped: string): Promise<string> {
    const parsed = parseWrapped(wrapped);
    const rewrapped = await this.secrets.transit.rewrap(PII_KEY, parsed.transit, {
      associatedData: subjectAad(table, subjectId),
    });
    return parsed.secretVersion === null ? rewrapped : `${SUBJECT_KEY_PREFIX}${parsed.secretVersion}:${rewrapped}`;
  }

  /**
   * Crypto-shredding: destroys every version of the subject's erasure secret. Idempotent; from
   * then on `openSubjectKey` throws `SubjectErasedError` for any copy of the subject's wrapped key.
   */
  async shredSubject(table: string, subjectId: string): Promise<void> {
    await this.secrets.kv.destroy(erasureSecretPath(table, subjectId));
    const prefix = `${table}/${subjectId}/`;
    for (const k of this.opened.keys()) if (k.startsWith(prefix)) this.opened.delete(k);
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
