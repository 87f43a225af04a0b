/**
 * "Delete my account", confirmed by the password. The first step runs here, in one core
 * transaction, before anything else: the account stops being able to sign in (blind index and
 * password cleared, `erased_at` set) and every session is revoked (epoch bump). The rest — the
 * crypto-shredding of the data key, clearing rows, carts, exports — is the erasure job's
 * (apps/workers/src/privacy/erase-account.ts), which is resumable, so a worker killed half-way
 * never leaves an account that still signs in. Asking again returns the same request.
 */
import { randomUUID } from "node:crypto";
import { core, verifyPasswordEvenly } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { bumpSessionEpoch, publishSessionEpoch } from "../auth/session-epochs.ts";
import { enqueuePrivacyJob } from "./privacy-queue.ts";
import { PRIVACY_ERASURE_JOB } from "./privacy-contract.ts";
import type { DeleteAccountInput } from "./privacy.schema.ts";

/** A password hash no password verifies against (not argon2id nor scrypt). */
export const ERASED_PASSWORD_HASH = "!erased";

/** Locks the account in `tx` (sign-in gone, sessions revoked); returns the new session epoch. */
export async function lockAccountForErasure(
  tx: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T> },
  userId: string,
): Promise<number> {
  await tx.$queryRawUnsafe(
    `UPDATE users SET email_index = NULL, email = NULL, password_hash = $2,
            erased_at = coalesce(erased_at, now()), updated_at = now()
      WHERE id = $1::uuid`,
    userId,
    ERASED_PASSWORD_HASH,
  );
  await tx.$queryRawUnsafe(`DELETE FROM user_roles WHERE user_id = $1::uuid`, userId);
  return bumpSessionEpoch(tx, userId);
}

export async function deleteAccount(
  userId: string,
  input: DeleteAccountInput,
): Promise<{ requestId: string }> {
  const db = core().primary;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true, erasedAt: true },
  });
  const existing = await db.privacyRequest.findFirst({
    where: { userId, kind: "erasure" },
    select: { id: true },
  });
  if (existing && user?.erasedAt) return { requestId: existing.id };
  if (!user || !(await verifyPasswordEvenly(input.password, user.passwordHash)))
    throw new TRPCError({ code: "FORBIDDEN", message: "The password is not right." });

  const requestId = existing?.id ?? randomUUID();
  const epoch = await db.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(
        `INSERT INTO privacy_requests (id, user_id, kind, status, step)
         VALUES ($1::uuid, $2::uuid, 'erasure', 'queued', 'sign-in-locked')
         ON CONFLICT (user_id) WHERE kind = 'erasure' DO NOTHING`,
        requestId,
        userId,
      );
      const next = await lockAccountForErasure(tx, userId);
      await tx.auditLog.create({
        data: {
          actorUserId: userId,
          action: "privacy.erasure.request",
          targetType: "user",
          targetId: userId,
          details: { requestId },
        },
      });
      return next;
    },
    { maxWait: 3000, timeout: 10_000 },
  );
  // Core holds the new epoch already; the job publishes it again should Redis miss it now.
  await publishSessionEpoch(userId, epoch).catch(() => undefined);
  await enqueuePrivacyJob(PRIVACY_ERASURE_JOB, { requestId });
  return { requestId };
}
