/**
 * Bearer tokens between Agora's own services (telemetry collector, media origin, payment
 * simulator, `/metrics`): the caller sends `Authorization: Bearer <token>`, the server compares
 * in constant time. Dependency-free, so servers that import nothing else of @agora/auth can use it.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** True when `authorization` is `Bearer <expected>`; compared in constant time. */
export function bearerMatches(authorization: string | null | undefined, expected: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  // Digests have one length, so the comparison time says nothing about the token's.
  return sent !== undefined && timingSafeEqual(digest(sent), digest(expected));
}

/** The header a caller sends. */
export function bearerHeader(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
