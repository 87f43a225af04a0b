import { z } from "zod";

export const inviteStaffInput = z.object({
  email: z.email().trim().toLowerCase().max(254),
});

export const revokeInviteInput = z.object({ invitationId: z.uuid() });

export const removeStaffInput = z.object({ userId: z.uuid() });

/** The token from an invitation link: 32 random bytes, base64url. */
export const invitationToken = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, "not an invitation token");

export const invitationLookupInput = z.object({ token: invitationToken });

export const acceptInvitationInput = z.object({
  token: invitationToken,
  /** Used only when the invitation creates a new account. */
  name: z.string().trim().min(1).max(100),
  // A new account's password, or the existing account's password (proves it is theirs).
  password: z.string().min(8).max(200),
});

export type InviteStaffInput = z.infer<typeof inviteStaffInput>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInput>;
