/** Single-use invitation tokens: the link carries the token, the database only its SHA-256. */
import { createHash, randomBytes } from "node:crypto";
import { topology } from "@agora/infra-local/topology";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The vendor portal's public origin: AGORA_VENDOR_PORTAL_URL, else the local topology's port. */
export function vendorPortalUrl(): string {
  const configured = process.env.AGORA_VENDOR_PORTAL_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const t = topology();
  return `http://${t.host}:${t.apps.vendorPortal}`;
}

export function invitationLink(token: string): string {
  return `${vendorPortalUrl()}/invite/${token}`;
}
