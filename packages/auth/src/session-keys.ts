/**
 * Each app's own session key. A JWT issued by one app is undecryptable in another even when a
 * deployment configures one NEXTAUTH_SECRET for all of them: the key is derived per app (HKDF),
 * and the token's `aud` names the app that issued it (checked by getSession).
 */
import { hkdfSync } from "node:crypto";
import { decode, type JWT, type JWTDecodeParams } from "next-auth/jwt";
import type { AuthApp } from "./cookies.ts";

export function sessionSecretFor(app: AuthApp, configuredSecret: string): string {
  const key = hkdfSync("sha256", configuredSecret, "agora-session", `agora/${app}/session/v1`, 32);
  return Buffer.from(key).toString("base64url");
}

/**
 * Session key rotation without signing anyone out: tokens are always issued under the current
 * key; a token that does not open under it is tried with the previous keys (NEXTAUTH_SECRET's
 * predecessor, kept for one session lifetime after a rotation). A token no key opens is refused
 * as before (null).
 */
export function decodeWithPreviousKeys(previousSecrets: readonly string[]) {
  return async (params: JWTDecodeParams): Promise<JWT | null> => {
    const keys = [params.secret, ...previousSecrets];
    for (const [i, secret] of keys.entries()) {
      try {
        return await decode({ ...params, secret });
      } catch (err) {
        // Another key's token fails jose's tag check; anything else (or the last key) is an answer.
        if (!isKeyMismatch(err) || i === keys.length - 1) throw err;
      }
    }
    return null;
  };
}

function isKeyMismatch(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "ERR_JWE_DECRYPTION_FAILED";
}
