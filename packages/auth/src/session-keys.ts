/**
 * Each app's own session key. A JWT issued by one app is undecryptable in another even when a
 * deployment configures one NEXTAUTH_SECRET for all of them: the key is derived per app (HKDF),
 * and the token's `aud` names the app that issued it (checked by getSession).
 */
import { hkdfSync } from "node:crypto";
import type { AuthApp } from "./cookies.ts";

export function sessionSecretFor(app: AuthApp, configuredSecret: string): string {
  const key = hkdfSync("sha256", configuredSecret, "agora-session", `agora/${app}/session/v1`, 32);
  return Buffer.from(key).toString("base64url");
}
