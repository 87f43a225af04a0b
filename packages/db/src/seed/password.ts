/**
 * Password hashes. New hashes are argon2id in PHC form (`$argon2id$v=19$m=19456,p=1,t=2$…`,
 * OWASP's first recommended parameter set: 19 MiB, 2 passes, 1 lane). Hashes from before it are
 * `scrypt$N$r$p$<salt>$<hash>` (N=2^14, below current guidance): they still verify, and the
 * sign-in that proves the password replaces them (`needsRehash`). Parameters live in the string,
 * so raising them later breaks no existing hash.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import argon2 from "argon2";

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** The scheme of the hashes made before argon2id, kept only to verify (and replace) them. */
const LEGACY_SCRYPT = { N: 16_384, r: 8, p: 1, keyLen: 64 } as const;

function scrypt(
  password: string,
  salt: Buffer,
  keyLen: number,
  opts: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `salt` is injectable so the seed stays deterministic; production callers omit it. */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  return argon2.hash(password, { ...ARGON2_OPTIONS, salt });
}

/** A hash in the pre-argon2 scheme: what older databases hold (migration tests make them with it). */
export async function legacyScryptHash(
  password: string,
  salt: Buffer = randomBytes(16),
): Promise<string> {
  const { N, r, p, keyLen } = LEGACY_SCRYPT;
  const key = await scrypt(password, salt, keyLen, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

type Scheme = "argon2id" | "scrypt";

function schemeOf(stored: string): Scheme | undefined {
  if (stored.startsWith("$argon2id$")) return "argon2id";
  if (stored.startsWith("scrypt$")) return "scrypt";
  return undefined;
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6) return false;
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, "base64url");
  const key = await scrypt(password, Buffer.from(saltB64, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const scheme = schemeOf(stored);
  if (scheme === "argon2id") return argon2.verify(stored, password);
  if (scheme === "scrypt") return verifyScrypt(password, stored);
  return false;
}

/** True for a hash that is not argon2id with today's parameters: replace it after a good sign-in. */
export function needsRehash(stored: string): boolean {
  return schemeOf(stored) !== "argon2id" || argon2.needsRehash(stored, ARGON2_OPTIONS);
}

let dummies: Promise<Record<Scheme, string>> | undefined;

/** One hash per scheme of a random password; computed once, so no sign-in pays for making them. */
export function dummyHashes(): Promise<Record<Scheme, string>> {
  dummies ??= (async () => {
    const random = randomBytes(32).toString("base64url");
    return { argon2id: await hashPassword(random), scrypt: await legacyScryptHash(random) };
  })();
  return dummies;
}

/**
 * Sign-in's check: verifies `stored` (undefined: no such account) and runs the other scheme's
 * check on a dummy hash beside it, so every call does one argon2id and one scrypt verification.
 * The time then says neither whether the account exists nor which scheme its hash is in.
 */
export async function verifyPasswordEvenly(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const dummy = await dummyHashes();
  const scheme = stored === undefined ? undefined : schemeOf(stored);
  const [argonOk, scryptOk] = await Promise.all([
    argon2.verify(scheme === "argon2id" && stored ? stored : dummy.argon2id, password),
    verifyScrypt(password, scheme === "scrypt" && stored ? stored : dummy.scrypt),
  ]);
  if (scheme === "argon2id") return argonOk;
  if (scheme === "scrypt") return scryptOk;
  return false;
}
