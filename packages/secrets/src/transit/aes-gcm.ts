/**
 * AES-256-GCM with a 96-bit random nonce, as Vault's `aes256-gcm96` keys: `nonce || ciphertext ||
 * tag`. The associated data is authenticated, not stored: decrypting with other associated data
 * fails like tampering does.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptionFailedError } from "../errors.ts";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function sealAesGcm(key: Buffer, plaintext: Buffer, associatedData?: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  if (associatedData) cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function openAesGcm(key: Buffer, sealed: Buffer, associatedData: Buffer | undefined, what: string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionFailedError(what);
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  if (associatedData) decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (err) {
    // node reports a failed tag check as a plain Error ("Unsupported state or unable to authenticate data").
    if (err instanceof Error) throw new DecryptionFailedError(what);
    throw err;
  }
}
