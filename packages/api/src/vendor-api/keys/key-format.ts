/**
 * The shape of a vendor API key: `agk_<prefix>_<secret>`. The prefix (12 hex) names the key's row
 * and is its OAuth client id at the identity provider; the secret is 32 random bytes (base64url).
 *
 * Stored as SHA-256 of the whole key, not argon2 like passwords: a password is guessable, so its
 * hash must be slow; a key carries 256 random bits, so no dictionary exists and a fast hash is as
 * safe while costing microseconds on every API call instead of ~50 ms.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const KEY_PREFIX = "agk_";
const KEY_PATTERN = /^agk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  /** The whole key, shown to its owner once and never stored. */
  key: string;
  prefix: string;
  secretHash: string;
}

export function generateKey(): NewKey {
  const prefix = randomBytes(6).toString("hex");
  const key = `${KEY_PREFIX}${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, secretHash: hashKey(key) };
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The prefix of a well-formed key, or null for anything else (never throws on input). */
export function prefixOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** Whether `key` hashes to `secretHash`, in constant time. */
export function keyMatches(key: string, secretHash: string): boolean {
  const a = Buffer.from(hashKey(key), "hex");
  const b = Buffer.from(secretHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
