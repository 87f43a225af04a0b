/**
 * `vendor.staff.remove`: takes a staff member's grant for this shop away and ends their sessions
 * at once. One core transaction deletes the grant, bumps the user's session epoch and writes the
 * audit entry; the new epoch is written to Redis BEFORE the commit, so once the owner sees
 * "removed", no request of that member can be admitted under the old epoch. (If the commit then
 * fails, the member is signed out without being removed — the safe side — until they sign in
 * again after the cached epoch expires.)
 */
import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { bumpSessionEpoch, publishSessionEpoch } from "../../auth/session-epochs.ts";
import { type AuditActor, recordAudit } from "../audit-log.ts";

export class SessionRevocationUnavailableError extends Error {
  readonly code = "SESSION_REVOCATION_UNAVAILABLE";
  constructor(cause: unknown) {
    super(
      `Could not sign the member out right now, so nothing was changed; try again (${cause instanceof Error ? cause.message : String(cause)}).`,
    );
    this.name = "SessionRevocationUnavailableError";
  }
}

/** Writes the epoch through to Redis inside the caller's transaction (see above). */
export async function revokeSessionsNow(userId: string, epoch: number): Promise<void> {
  try {
    await publishSessionEpoch(userId, epoch);
  } catch (err) {
    const cause = new SessionRevocationUnavailableError(err);
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
}

export async function removeStaff(
  actor: AuditActor,
  userId: string,
): Promise<{ removed: true; userId: string }> {
  if (userId === actor.userId)
    throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot remove yourself." });
  return core().primary.$transaction(
    async (tx) => {
      // Scoped to the tenant: a member of another shop is simply not found here.
      const grants = await tx.userRole.findMany({
        where: { userId, vendorId: actor.vendorId },
        select: { roleName: true, user: { select: { email: true } } },
      });
      if (grants.length === 0)
        throw new TRPCError({ code: "NOT_FOUND", message: "No member with this id in your shop." });
      if (grants.some((g) => g.roleName === "vendor_owner"))
        throw new TRPCError({ code: "FORBIDDEN", message: "Owners cannot be removed here." });
      await tx.userRole.deleteMany({
        where: { userId, vendorId: actor.vendorId, roleName: "vendor_staff" },
      });
      const epoch = await bumpSessionEpoch(tx, userId);
      await recordAudit(
        actor,
        {
          action: "staff.remove",
          targetType: "user",
          targetId: userId,
          before: { email: grants[0]?.user.email, roles: grants.map((g) => g.roleName) },
        },
        tx,
      );
      await revokeSessionsNow(userId, epoch);
      return { removed: true as const, userId };
    },
    { maxWait: 3000, timeout: 10_000 },
  );
}
