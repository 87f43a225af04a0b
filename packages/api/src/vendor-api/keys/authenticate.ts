/**
 * Who is calling the vendor REST API, from `Authorization: Bearer <credential>`. Two credentials:
 *  - a vendor API key (`agk_…`): looked up by prefix in core, compared by hash;
 *  - an access token from Agora's identity provider (a JWT it issued to that key as an OAuth
 *    client, client_credentials grant): verified against the provider's JWKS (signature, issuer,
 *    audience, expiry), then the key it was issued to must still be active — revoking a key ends
 *    its tokens too, without waiting for them to expire.
 * Either way the caller's tenant comes from the key's row, never from the request.
 */
import { core } from "@agora/db";
import { identityClientSchema, loadConfig } from "@agora/config";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import { ApiError } from "../rest/api-error.ts";
import { keyMatches, KEY_PREFIX, prefixOf } from "./key-format.ts";
import { type ApiScope, scopesOf, VENDOR_API_AUDIENCE } from "./scopes.ts";

export interface ApiCaller {
  vendorId: string;
  keyId: string;
  /** The user who created the key: the actor of audited writes made with it. */
  createdBy: string | null;
  scopes: ApiScope[];
  rateLimitPerMinute: number;
  via: "api-key" | "access-token";
}

const unauthenticated = (message: string) => new ApiError("UNAUTHENTICATED", message);

export async function authenticateCaller(authorization: string | null): Promise<ApiCaller> {
  const match = /^Bearer +(\S{1,4096})$/i.exec(authorization?.trim() ?? "");
  if (!match) throw unauthenticated("Send `Authorization: Bearer <API key or access token>`.");
  const credential = match[1]!;
  if (credential.startsWith(KEY_PREFIX)) return byApiKey(credential);
  return byAccessToken(credential);
}

interface KeyRow {
  id: string;
  vendorId: string;
  secretHash: string;
  scopes: string[];
  rateLimitPerMinute: number;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

async function activeKey(prefix: string): Promise<KeyRow | null> {
  const row = await core().primary.vendorApiKey.findUnique({
    where: { prefix },
    select: {
      id: true,
      vendorId: true,
      secretHash: true,
      scopes: true,
      rateLimitPerMinute: true,
      createdBy: true,
      revokedAt: true,
      lastUsedAt: true,
    },
  });
  return row && !row.revokedAt ? row : null;
}

async function byApiKey(key: string): Promise<ApiCaller> {
  const prefix = prefixOf(key);
  const row = prefix ? await activeKey(prefix) : null;
  if (!row || !keyMatches(key, row.secretHash))
    throw unauthenticated("Unknown or revoked API key.");
  await touch(row);
  return callerOf(row, row.scopes as ApiScope[], "api-key");
}

let jwks: { issuer: string; keys: ReturnType<typeof createRemoteJWKSet> } | null = null;

function providerKeys(): { issuer: string; keys: ReturnType<typeof createRemoteJWKSet> } | null {
  const { AGORA_IDENTITY_ISSUER: issuer } = loadConfig(identityClientSchema);
  if (!issuer) return null;
  if (jwks?.issuer !== issuer)
    // jose caches the key set, refetches on an unknown `kid` (a rotated key) at most every 30 s.
    jwks = {
      issuer,
      keys: createRemoteJWKSet(new URL(`${issuer}/jwks`), {
        timeoutDuration: 2_000,
        cooldownDuration: 30_000,
      }),
    };
  return jwks;
}

async function byAccessToken(token: string): Promise<ApiCaller> {
  const provider = providerKeys();
  if (!provider) throw unauthenticated("Unknown API key.");
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, provider.keys, {
      issuer: provider.issuer,
      audience: VENDOR_API_AUDIENCE,
      algorithms: ["ES256", "RS256", "PS256", "EdDSA"],
      typ: "at+jwt",
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JOSENotSupported)
      throw new ApiError(
        "UNAVAILABLE",
        "The identity provider's keys could not be fetched; retry shortly.",
        undefined,
        { "retry-after": "5" },
      );
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError)
      throw unauthenticated(
        err instanceof joseErrors.JWTExpired
          ? "The access token has expired."
          : "Invalid access token.",
      );
    throw err;
  }
  const clientId = typeof payload.client_id === "string" ? payload.client_id : null;
  const row = clientId ? await activeKey(clientId) : null;
  if (!row) throw unauthenticated("The access token's API key was revoked.");
  // The token may carry fewer scopes than its key (the client asked for fewer), never more.
  const granted = scopesOf(payload.scope).filter((s) => row.scopes.includes(s));
  await touch(row);
  return callerOf(row, granted, "access-token");
}

function callerOf(row: KeyRow, scopes: ApiScope[], via: ApiCaller["via"]): ApiCaller {
  return {
    vendorId: row.vendorId,
    keyId: row.id,
    createdBy: row.createdBy,
    scopes,
    rateLimitPerMinute: row.rateLimitPerMinute,
    via,
  };
}

/** Records the key's last use, at most once a minute per key (not a write per API call). */
async function touch(row: KeyRow): Promise<void> {
  if (row.lastUsedAt && Date.now() - row.lastUsedAt.getTime() < 60_000) return;
  await core().primary.vendorApiKey.updateMany({
    where: {
      id: row.id,
      OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - 60_000) } }],
    },
    data: { lastUsedAt: new Date() },
  });
}
