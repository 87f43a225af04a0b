/**
 * The invitee's side of an invitation link. `invitations.get` shows what the link is for and
 * whether the caller's session is the invitee's account. An address that already has an account
 * accepts with `invitations.accept` while signed in as that account: the sign-in happened at the
 * identity provider (its throttle, its session), so no password for an existing account ever
 * comes here. A new address creates its account with `invitations.signUp` (name and password, a
 * sign-up like the storefront's) and signs in afterwards. The token works once: the invitation row
 * is locked, checked and marked accepted in the same transaction as the grant.
 */
import { randomUUID } from "node:crypto";
import { core, type CoreTx, hashPassword } from "@agora/db";
import { emailIndex, openEmail, sealEmail, sealUserName, userKey } from "@agora/secrets";
import { TRPCError } from "@trpc/server";
import { bumpSessionEpoch } from "../../auth/session-epochs.ts";
import { recordAudit } from "../audit-log.ts";
import { hashInvitationToken } from "./invitation-token.ts";
import { revokeSessionsNow } from "./remove-staff.ts";
import type { AcceptInvitationInput, InvitationSignUpInput } from "./staff.schema.ts";

/** Users with this address: by blind index, or by plaintext on a row not sealed yet. */
async function sameAddress(email: string) {
  return [{ emailIndex: await emailIndex(email) }, { email }];
}

/** The account the invitation's address belongs to, if any. */
async function accountOf(db: CoreTx, email: string): Promise<{ id: string } | null> {
  return db.user.findFirst({ where: { OR: await sameAddress(email) }, select: { id: true } });
}

export type InvitationStatus = "open" | "accepted" | "revoked" | "expired";

/** The caller, as the invitation sees them: not signed in, its invitee, or someone else. */
export type InvitationViewer = "anonymous" | "invitee" | "another-account";

export interface InvitationView {
  shop: string;
  email: string;
  status: InvitationStatus;
  expiresAt: Date;
  /** The address already has an account: the invitee signs in as it to accept. */
  existingAccount: boolean;
  viewer: InvitationViewer;
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

/** `sessionUserId`: the caller's signed-in user, if any (only compared, never revealed). */
export async function getInvitation(
  token: string,
  sessionUserId: string | null,
): Promise<InvitationView> {
  const db = core().primary;
  const row = await db.staffInvitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
  });
  if (!row) throw notFound();
  const email = await openEmail("staff_invitations", row);
  const [vendor, account] = await Promise.all([
    db.vendor.findUnique({ where: { id: row.vendorId }, select: { name: true } }),
    accountOf(db, email),
  ]);
  return {
    shop: vendor?.name ?? "A shop",
    email,
    status: statusOf(row),
    expiresAt: row.expiresAt,
    existingAccount: account !== null,
    viewer: !sessionUserId
      ? "anonymous"
      : account?.id === sessionUserId
        ? "invitee"
        : "another-account",
  };
}

export interface AcceptedInvitation {
  userId: string;
  email: string;
  newAccount: boolean;
}

/** The invitation of `token`, locked FOR UPDATE until the transaction ends, if it is still open. */
async function lockOpenInvitation(
  tx: CoreTx,
  tokenHash: string,
): Promise<{ invitation: InvitationRow; email: string }> {
  const rows = await tx.$queryRaw<InvitationRow[]>`
    SELECT id::text, vendor_id::text AS "vendorId", email, email_sealed AS "emailSealed",
           data_key AS "dataKey", role_name AS "roleName",
           expires_at AS "expiresAt", accepted_at AS "acceptedAt", revoked_at AS "revokedAt"
    FROM staff_invitations WHERE token_hash = ${tokenHash} FOR UPDATE`;
  const invitation = rows[0];
  if (!invitation) throw notFound();
  const status = statusOf(invitation);
  if (status !== "open") throw unusable(status);
  return { invitation, email: await openEmail("staff_invitations", invitation) };
}

/** The staff grant, the invitation marked used by `userId`, and the audit entry. */
async function grantInvitation(tx: CoreTx, invitation: InvitationRow, userId: string) {
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
}

const TRANSACTION_LIMITS = { maxWait: 3000, timeout: 10_000 };

/**
 * `invitations.accept`: the signed-in user accepts an invitation to their own address. Another
 * account is FORBIDDEN and the invitation stays open for the right one.
 */
export async function acceptInvitation(
  session: { userId: string },
  input: AcceptInvitationInput,
): Promise<AcceptedInvitation> {
  const tokenHash = hashInvitationToken(input.token);
  return core().primary.$transaction(async (tx) => {
    const { invitation, email } = await lockOpenInvitation(tx, tokenHash);
    const account = await accountOf(tx, email);
    if (!account || account.id !== session.userId)
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This invitation is for ${email}; you are signed in as another account — sign out first.`,
      });
    await grantInvitation(tx, invitation, account.id);
    // A role change: the account's sessions (this one too) sign in again to pick the grant up.
    await revokeSessionsNow(account.id, await bumpSessionEpoch(tx, account.id));
    return { userId: account.id, email, newAccount: false };
  }, TRANSACTION_LIMITS);
}

/**
 * `invitations.signUp`: a new address creates its account with the invitation and accepts it. An
 * address that has an account is told to sign in as it instead; its password is never checked here.
 */
export async function signUpForInvitation(
  input: InvitationSignUpInput,
): Promise<AcceptedInvitation> {
  const tokenHash = hashInvitationToken(input.token);
  // A token that names no open invitation is refused before the password is hashed: a public
  // procedure must not spend ~100 ms of CPU on a guessed token. (Checked again under the lock.)
  const found = await core().primary.$queryRaw<InvitationRow[]>`
    SELECT expires_at AS "expiresAt", accepted_at AS "acceptedAt", revoked_at AS "revokedAt"
    FROM staff_invitations WHERE token_hash = ${tokenHash}`;
  if (!found[0]) throw notFound();
  const status = statusOf(found[0]);
  if (status !== "open") throw unusable(status);
  // Hashed before the transaction: the hash takes ~100 ms and must not hold the row lock.
  const passwordHash = await hashPassword(input.password);
  return core().primary.$transaction(async (tx) => {
    const { invitation, email } = await lockOpenInvitation(tx, tokenHash);
    const signInFirst = () =>
      new TRPCError({
        code: "UNAUTHORIZED",
        message: `${email} already has an Agora account: sign in as ${email} to accept.`,
      });
    if (await accountOf(tx, email)) throw signInFirst();
    // ON CONFLICT: a sign-up of the same address racing this one wins, and the invitee is told
    // to sign in with that account instead of hitting a unique violation.
    const newId = randomUUID();
    const sealed = await sealEmail("users", newId, email);
    const nameSealed = sealUserName(await userKey(newId, sealed.dataKey), newId, input.name);
    const created = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO users (id, email_index, email_sealed, data_key, name_sealed, password_hash)
      VALUES (${newId}::uuid, ${sealed.emailIndex}, ${sealed.emailSealed}, ${sealed.dataKey},
              ${nameSealed}, ${passwordHash})
      ON CONFLICT (email_index) DO NOTHING
      RETURNING id::text`;
    const userId = created[0]?.id;
    if (!userId) throw signInFirst();
    await grantInvitation(tx, invitation, userId);
    return { userId, email, newAccount: true };
  }, TRANSACTION_LIMITS);
}
