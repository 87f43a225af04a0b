import { getToken, type GetTokenParams } from "next-auth/jwt";
import { sessionCookieName } from "./cookies.ts";
import type { AuthConfig } from "./options.ts";
import { unlessRevoked } from "./revocation.ts";
import { decodeWithPreviousKeys } from "./session-keys.ts";
import { type AgoraSession, sessionFromToken } from "./session.ts";

/**
 * The session of a request (route handlers, the tRPC context, server components, the proxy):
 * decodes the JWT from this app's session cookie. No database round trip; an absent, expired or
 * tampered token, or one another app issued (its key and `aud` differ), gives null. The token's
 * epoch is then checked against the user's current one (one Redis read), so a removed staff member
 * or a signed-out token is refused at once.
 */
export async function getSession(
  req: { headers: Headers },
  config: Pick<AuthConfig, "app" | "secret" | "previousSecrets" | "url" | "revocation">,
): Promise<AgoraSession | null> {
  const secure = config.url.startsWith("https://");
  const token = await getToken({
    // getToken only reads `cookies` and `headers`; its declared type is the union of Next's
    // request objects, none of which a plain Headers-bearing request satisfies.
    req: {
      headers: req.headers,
      cookies: parseCookieHeader(req.headers.get("cookie")),
    } as unknown as GetTokenParams["req"],
    secret: config.secret,
    decode: decodeWithPreviousKeys(config.previousSecrets ?? []),
    secureCookie: secure,
    cookieName: sessionCookieName(config.app, secure),
  });
  if (!token || token.aud !== config.app) return null;
  const session = sessionFromToken(token);
  if (!session) return null;
  return unlessRevoked(session, config.revocation);
}

export function parseCookieHeader(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    out[name] = safeDecode(value);
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (err) {
    // A malformed %-sequence: keep the raw value (the JWT decode will then reject it).
    if (err instanceof URIError) return value;
    throw err;
  }
}
