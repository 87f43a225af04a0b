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

/**
 * An address that already has an account accepts while signed in as it: the session proves whose
 * it is, so the token is all the input there is (strict: a password sent here is refused).
 */
export const acceptInvitationInput = z.strictObject({ token: invitationToken });

/** A new address: the invitee creates their account (a sign-up) and accepts in one step. */
export const invitationSignUpInput = z.object({
  token: invitationToken,
  name: z.string().trim().min(1).max(100),
  password: z.string().min(8).max(200),
});

export type InviteStaffInput = z.infer<typeof inviteStaffInput>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInput>;
export type InvitationSignUpInput = z.infer<typeof invitationSignUpInput>;
