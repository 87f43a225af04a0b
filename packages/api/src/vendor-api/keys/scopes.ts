/** What a vendor API key (or an identity-provider token issued to one) may do. */
import { z } from "zod";

/** The `aud` of access tokens for the vendor REST API (the identity provider's resource indicator). */
export const VENDOR_API_AUDIENCE = "urn:agora:vendor-api";

export const API_SCOPES = ["stock:read", "stock:write", "orders:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const apiScope = z.enum(API_SCOPES);

/** The scopes named in a space-separated OAuth `scope` claim that Agora knows; others are ignored. */
export function scopesOf(claim: unknown): ApiScope[] {
  if (typeof claim !== "string") return [];
  return claim
    .split(" ")
    .filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s));
}
