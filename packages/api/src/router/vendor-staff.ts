import {
  acceptInvitation,
  getInvitation,
  signUpForInvitation,
} from "../vendor/staff/accept-invitation.ts";
import { inviteStaff, revokeInvite } from "../vendor/staff/invite-staff.ts";
import { listStaff } from "../vendor/staff/list-staff.ts";
import { removeStaff } from "../vendor/staff/remove-staff.ts";
import {
  acceptInvitationInput,
  invitationLookupInput,
  invitationSignUpInput,
  inviteStaffInput,
  removeStaffInput,
  revokeInviteInput,
} from "../vendor/staff/staff.schema.ts";
import {
  getNotificationSettings,
  setNotificationSetting,
} from "../vendor/notification-settings.ts";
import { setNotificationSettingInput } from "../vendor/notification-settings.schema.ts";
import { createTRPCRouter, protectedProcedure, publicProcedure, vendorProcedure } from "../trpc.ts";

const actor = (ctx: { session: { userId: string }; tenant: { vendorId: string } }) => ({
  userId: ctx.session.userId,
  vendorId: ctx.tenant.vendorId,
});

/** `vendor.staff.*`: the owner manages who works in the shop. Every change is audited. */
export const vendorStaffRouter = createTRPCRouter({
  /** Members (owners, staff) and open invitations. */
  list: vendorProcedure("vendor:staff:manage").query(({ ctx }) => listStaff(ctx.tenant.vendorId)),
  /** E-mails a single-use accept link (7 days) through the notifications pipeline. */
  invite: vendorProcedure("vendor:staff:manage")
    .input(inviteStaffInput)
    .mutation(({ ctx, input }) => inviteStaff(actor(ctx), input)),
  revokeInvite: vendorProcedure("vendor:staff:manage")
    .input(revokeInviteInput)
    .mutation(({ ctx, input }) => revokeInvite(actor(ctx), input.invitationId)),
  /** Removes a staff grant; the member's open sessions stop working on their next request. */
  remove: vendorProcedure("vendor:staff:manage")
    .input(removeStaffInput)
    .mutation(({ ctx, input }) => removeStaff(actor(ctx), input.userId)),
});

/** `vendor.notificationSettings.*`: the caller's own notice switches (kind × channel). */
export const vendorNotificationSettingsRouter = createTRPCRouter({
  get: vendorProcedure("vendor:notifications").query(({ ctx }) =>
    getNotificationSettings(ctx.session, ctx.tenant.vendorId),
  ),
  set: vendorProcedure("vendor:notifications")
    .input(setNotificationSettingInput)
    .mutation(({ ctx, input }) => setNotificationSetting(actor(ctx), input)),
});

/** `invitations.*`: the accept page of an invitation link (the token names the invitation). */
export const invitationsRouter = createTRPCRouter({
  /** What the link is for, and whether the caller is signed in as its invitee. */
  get: publicProcedure
    .input(invitationLookupInput)
    .query(({ ctx, input }) => getInvitation(input.token, ctx.session?.userId ?? null)),
  /** An address with an account: accepted by that account, signed in at the identity provider. */
  accept: protectedProcedure
    .input(acceptInvitationInput)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.session, input)),
  /** A new address: creates its account (name + password) and accepts; sign-in comes after. */
  signUp: publicProcedure
    .input(invitationSignUpInput)
    .mutation(({ input }) => signUpForInvitation(input)),
});
