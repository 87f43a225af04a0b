/** Single-use invitation tokens: the link carries the token, the database only its SHA-256. */
import { createHash, randomBytes } from "node:crypto";
import { loadConfig, servicesSchema } from "@agora/config";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The vendor portal's public origin: AGORA_VENDOR_PORTAL_URL. */
export function vendorPortalUrl(): string {
  return loadConfig(servicesSchema.pick({ AGORA_VENDOR_PORTAL_URL: true })).AGORA_VENDOR_PORTAL_URL;
}

export function invitationLink(token: string): string {
  return `${vendorPortalUrl()}/invite/${token}`;
}
