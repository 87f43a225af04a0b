/**
 * `vendor.staff.invite` / `vendor.staff.revokeInvite`. One core transaction writes the invitation
 * (token hash only), the invitation e-mail as a pending delivery, the `StaffInvited` outbox event
 * that hands it to the e-mail channel, and the audit entry, so none exists without the others.
 * The invitee's address is stored sealed under the invitation's own data key and matched by its
 * blind index (migration 0017); the audit entry names the invitation, not the address.
 */
import { randomUUID } from "node:crypto";
import { core } from "@agora/db";
import { sealDeliveryField, sealEmail } from "@agora/secrets";
import { traceHeaders } from "@agora/telemetry";
import { TRPCError } from "@trpc/server";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import { vendorProfile } from "../profile.ts";
import { INVITATION_TTL_MS, invitationLink, newInvitationToken } from "./invitation-token.ts";
import { STAFF_INVITED, STAFF_TOPIC, type StaffInvited } from "./staff-events.ts";
import type { InviteStaffInput } from "./staff.schema.ts";

export class AlreadyMemberError extends Error {
  readonly code = "ALREADY_MEMBER";
  constructor(email: string) {
    super(`${email} already works in this shop`);
    this.name = "AlreadyMemberError";
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "P2002";
}

export interface InvitationCreated {
  invitationId: string;
  email: string;
  expiresAt: Date;
}

function invitationMail(shop: string, link: string, expiresAt: Date) {
  return {
    subject: `You are invited to join ${shop} on Agora`,
    body: [
      `${shop} invited you to help run their shop on Agora as staff.`,
      "",
      `Accept the invitation: ${link}`,
      "",
      `The link works once and expires on ${expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    ].join("\n"),
  };
}

export async function inviteStaff(
  actor: AuditActor,
  input: InviteStaffInput,
): Promise<InvitationCreated> {
  const shop = await vendorProfile(actor.vendorId);
  const { token, tokenHash } = newInvitationToken();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const mail = invitationMail(shop.name, invitationLink(token), expiresAt);
  const id = randomUUID();
  const sealed = await sealEmail("staff_invitations", id, input.email);
  const sameAddress = [{ emailIndex: sealed.emailIndex }, { email: input.email }];
  // The mail carries the live link: stored sealed until the e-mail channel sends it.
  const deliveryId = randomUUID();
  const sealedRecipient = await sealDeliveryField(deliveryId, "recipient", input.email);
  const sealedBody = await sealDeliveryField(deliveryId, "body", mail.body);
  const invitationId = await core()
    .primary.$transaction(async (tx) => {
      const member = await tx.userRole.findFirst({
        where: { vendorId: actor.vendorId, user: { OR: sameAddress } },
        select: { id: true },
      });
      if (member) {
        const cause = new AlreadyMemberError(input.email);
        throw new TRPCError({ code: "CONFLICT", message: cause.message, cause });
      }
      // Inviting the same address again replaces the open invitation (its link stops working).
      await tx.staffInvitation.updateMany({
        where: { vendorId: actor.vendorId, OR: sameAddress, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      const invitation = await tx.staffInvitation.create({
        data: {
          id,
          vendorId: actor.vendorId,
          ...sealed,
          roleName: "vendor_staff",
          tokenHash,
          invitedBy: actor.userId,
          expiresAt,
        },
        select: { id: true },
      });
      const delivery = await tx.notificationDelivery.create({
        data: {
          id: deliveryId,
          sourceKey: `staff-invitation:${invitation.id}`,
          channel: "email",
          recipient: sealedRecipient,
          subject: mail.subject,
          body: sealedBody,
        },
        select: { id: true },
      });
      const event: StaffInvited = {
        invitationId: invitation.id,
        vendorId: actor.vendorId,
        deliveryId: delivery.id,
      };
      await tx.outbox.create({
        data: {
          aggregateType: STAFF_TOPIC,
          aggregateId: invitation.id,
          eventType: STAFF_INVITED,
          payload: event,
          headers: traceHeaders(),
        },
      });
      await recordAudit(
        actor,
        {
          action: "staff.invite",
          targetType: "staff_invitation",
          targetId: invitation.id,
          after: { role: "vendor_staff", expiresAt },
        },
        tx,
      );
      return invitation.id;
    })
    .catch((err: unknown) => {
      // Two invites of one address at once: the open-invitation unique index lets one through.
      if (isUniqueViolation(err))
        throw new TRPCError({
          code: "CONFLICT",
          message: "This address is being invited right now; try again.",
        });
      throw err;
    });
  return { invitationId, email: input.email, expiresAt };
}

export async function revokeInvite(
  actor: AuditActor,
  invitationId: string,
): Promise<{ revoked: boolean }> {
  return core().primary.$transaction(async (tx) => {
    // Scoped to the tenant: another shop's invitation id is simply not found.
    const { count } = await tx.staffInvitation.updateMany({
      where: { id: invitationId, vendorId: actor.vendorId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0)
      throw new TRPCError({ code: "NOT_FOUND", message: "No open invitation with this id." });
    await recordAudit(
      actor,
      { action: "staff.revokeInvite", targetType: "staff_invitation", targetId: invitationId },
      tx,
    );
    return { revoked: true };
  });
}
