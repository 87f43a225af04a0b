/**
 * The public side of an invitation link: `invitations.get` shows what the link is for, and
 * `invitations.accept` turns it into a staff grant. A new address gets a new account (name and
 * password from the form); an address that already has an account must give that account's
 * password, which proves the invitee owns it. The token works once: the invitation row is locked,
 * checked and marked accepted in the same transaction as the grant.
 */
import { randomUUID } from "node:crypto";
import { core, hashPassword, verifyPassword } from "@agora/db";
import { emailIndex, openEmail, sealEmail, sealUserName, userKey } from "@agora/secrets";
import { TRPCError } from "@trpc/server";
import { bumpSessionEpoch } from "../../auth/session-epochs.ts";
import { recordAudit } from "../audit-log.ts";
import { hashInvitationToken } from "./invitation-token.ts";
import { revokeSessionsNow } from "./remove-staff.ts";
import type { AcceptInvitationInput } from "./staff.schema.ts";

/** Users with this address: by blind index, or by plaintext on a row not sealed yet. */
async function sameAddress(email: string) {
  return [{ emailIndex: await emailIndex(email) }, { email }];
}

export type InvitationStatus = "open" | "accepted" | "revoked" | "expired";

export interface InvitationView {
  shop: string;
  email: string;
  status: InvitationStatus;
  expiresAt: Date;
  /** The address already has an account: accepting needs that account's password. */
  existingAccount: boolean;
}

interface InvitationRow {
  id: string;
  vendorId: string;
  /** Plaintext only on rows sealed by neither the invite nor the backfill (migration 0017). */
  email: string | null;
  emailSealed: string | null;
  dataKey: string | null;
  roleName: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

function statusOf(
  row: Pick<InvitationRow, "acceptedAt" | "revokedAt" | "expiresAt">,
): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= Date.now() ? "expired" : "open";
}

const notFound = () =>
  new TRPCError({ code: "NOT_FOUND", message: "This invitation link is not valid." });

export class InvitationUnusableError extends Error {
  readonly code: string;
  constructor(status: Exclude<InvitationStatus, "open">) {
    super(
      status === "accepted"
        ? "This invitation was already used."
        : status === "revoked"
          ? "The shop withdrew this invitation."
          : "This invitation has expired; ask the shop owner for a new one.",
    );
    this.name = "InvitationUnusableError";
    this.code = `INVITATION_${status.toUpperCase()}`;
  }
}

function unusable(status: Exclude<InvitationStatus, "open">): TRPCError {
  const cause = new InvitationUnusableError(status);
  return new TRPCError({
    code: status === "accepted" ? "CONFLICT" : "PRECONDITION_FAILED",
    message: cause.message,
    cause,
  });
}

export async function getInvitation(token: string): Promise<InvitationView> {
  const db = core().primary;
  const row = await db.staffInvitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
  });
  if (!row) throw notFound();
  const email = await openEmail("staff_invitations", row);
  const [vendor, account] = await Promise.all([
    db.vendor.findUnique({ where: { id: row.vendorId }, select: { name: true } }),
    db.user.findFirst({ where: { OR: await sameAddress(email) }, select: { id: true } }),
  ]);
  return {
    shop: vendor?.name ?? "A shop",
    email,
    status: statusOf(row),
    expiresAt: row.expiresAt,
    existingAccount: account !== null,
  };
}

export interface AcceptedInvitation {
  userId: string;
  email: string;
  newAccount: boolean;
}

export async function acceptInvitation(input: AcceptInvitationInput): Promise<AcceptedInvitation> {
  const tokenHash = hashInvitationToken(input.token);
  // Hashed before the transaction: scrypt takes ~100 ms and must not hold the row lock.
  const newPasswordHash = await hashPassword(input.password);
  return core().primary.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<InvitationRow[]>`
        SELECT id::text, vendor_id::text AS "vendorId", email, email_sealed AS "emailSealed",
               data_key AS "dataKey", role_name AS "roleName",
               expires_at AS "expiresAt", accepted_at AS "acceptedAt", revoked_at AS "revokedAt"
        FROM staff_invitations WHERE token_hash = ${tokenHash} FOR UPDATE`;
      const invitation = rows[0];
      if (!invitation) throw notFound();
      const status = statusOf(invitation);
      if (status !== "open") throw unusable(status);

      const email = await openEmail("staff_invitations", invitation);
      const existing = await tx.user.findFirst({
        where: { OR: await sameAddress(email) },
        select: { id: true, passwordHash: true },
      });
      let userId: string;
      if (existing) {
        if (!(await verifyPassword(input.password, existing.passwordHash)))
          throw new TRPCError({
            code: "UNAUTHORIZED",
            message: "This address already has an account: enter its password to accept.",
          });
        userId = existing.id;
      } else {
        // ON CONFLICT: a sign-up of the same address racing this accept wins, and the invitee is
        // told to use that account's password instead of hitting a unique violation.
        const newId = randomUUID();
        const sealed = await sealEmail("users", newId, email);
        const nameSealed = sealUserName(await userKey(newId, sealed.dataKey), newId, input.name);
        const created = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO users (id, email_index, email_sealed, data_key, name_sealed, password_hash)
          VALUES (${newId}::uuid, ${sealed.emailIndex}, ${sealed.emailSealed}, ${sealed.dataKey},
                  ${nameSealed}, ${newPasswordHash})
          ON CONFLICT (email_index) DO NOTHING
          RETURNING id::text`;
        if (!created[0])
          throw new TRPCError({
            code: "CONFLICT",
            message: "An account with this address was just created: enter its password to accept.",
          });
        userId = created[0].id;
      }
      await tx.userRole.create({
        data: { userId, roleName: invitation.roleName, vendorId: invitation.vendorId },
      });
      await tx.staffInvitation.update({
        where: { id: invitation.id },
        data: { acceptedAt: new Date(), acceptedUserId: userId },
      });
      await recordAudit(
        { userId, vendorId: invitation.vendorId },
        {
          action: "staff.acceptInvite",
          targetType: "staff_invitation",
          targetId: invitation.id,
          after: { userId, role: invitation.roleName },
        },
        tx,
      );
      // A role change: the account's open sessions (if any) sign in again to pick the grant up.
      if (existing) await revokeSessionsNow(userId, await bumpSessionEpoch(tx, userId));
      return { userId, email, newAccount: !existing };
    },
    { maxWait: 3000, timeout: 10_000 },
  );
}
