/**
 * Account erasure as a table of named steps, each idempotent, the last finished one recorded on
 * the request row: a job killed between steps re-runs from the next one (a step killed half-way
 * is simply run again). The API already ran the first step (`sign-in-locked`) in the request's
 * own transaction, so at no point can a half-erased account sign in.
 *
 * What stays: the users row as a tombstone (orders, payments and the ledger point at it), the
 * orders with their lines and money (vendors still see their parcels), reviews (shown under
 * "Deleted customer", the author's name and address scrubbed from their text). What goes: the erasure secret (crypto-shredding: every field sealed under
 * the user's key — e-mail, name, order addresses — is unreadable in every copy of the data),
 * every personal column of the row, plaintext addresses of older orders, the inbox and its
 * deliveries, the cart, export files.
 */
import { rm } from "node:fs/promises";
import { loadConfig, storageSchema } from "@agora/config";
import { core } from "@agora/db";
import { clearCart, exportFolder, lockAccountForErasure, publishSessionEpoch, userCartKey } from "@agora/api/privacy";
import { createRedis } from "@agora/redis";
import {
  DecryptionFailedError,
  DELETED_CUSTOMER,
  openEmail,
  openUserName,
  personalDataCipher,
} from "@agora/secrets";
import type { Redis } from "ioredis";
import { loadRequest, recordStep } from "./request-state.ts";

export interface ErasureContext {
  requestId: string;
  userId: string;
  redis: () => Redis;
  storageDir: string;
}

interface ErasureStep {
  name: string;
  run(ctx: ErasureContext): Promise<void>;
}

export const ERASURE_STEPS: readonly ErasureStep[] = [
  {
    // Done by the API with the request; repeated here for requests written by older code paths.
    name: "sign-in-locked",
    run: async ({ userId }) => {
      await core().primary.$transaction((tx) => lockAccountForErasure(tx, userId));
    },
  },
  {
    // Redis may have missed the API's write-through; core's epoch is the truth either way.
    name: "sessions-revoked",
    run: async ({ userId, redis }) => {
      const user = await core().primary.user.findUnique({ where: { id: userId }, select: { sessionEpoch: true } });
      if (user) await publishSessionEpoch(userId, user.sessionEpoch, redis());
    },
  },
  {
    // Before the shredding, while the name and address still open: the user's own reviews keep
    // their text but lose the author's name and e-mail where the author wrote them in.
    name: "reviews-anonymised",
    run: async ({ userId }) => {
      const db = core().primary;
      const user = await db.user.findUnique({ where: { id: userId } });
      if (!user) return;
      const name = await openUserName(user);
      const email = await openEmail("users", user).catch((err: unknown) => {
        // A row from before sealing lost its plaintext address in the lock step: nothing to scrub.
        if (err instanceof DecryptionFailedError) return null;
        throw err;
      });
      const needles = [name, email].filter((v): v is string => !!v && v !== DELETED_CUSTOMER);
      for (const needle of needles)
        await db.$executeRawUnsafe(
          `UPDATE reviews SET title = replace(title, $2, $3), body = replace(body, $2, $3)
            WHERE user_id = $1::uuid AND (strpos(title, $2) > 0 OR strpos(body, $2) > 0)`,
          userId,
          needle,
          DELETED_CUSTOMER,
        );
    },
  },
  {
    name: "key-shredded",
    run: async ({ userId }) => (await personalDataCipher()).shredSubject("users", userId),
  },
  {
    name: "personal-columns-cleared",
    run: async ({ userId }) => {
      const db = core().primary;
      await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(
          `UPDATE users SET email = NULL, email_index = NULL, email_sealed = NULL, name = NULL,
                  name_sealed = NULL, data_key = NULL, pii = NULL, updated_at = now()
            WHERE id = $1::uuid`,
          userId,
        );
        // Orders placed before addresses were sealed carry one in plaintext: the one change the
        // append-only event log allows (core 0024) removes it.
        await tx.$queryRawUnsafe(`SELECT erase_plaintext_order_addresses($1::uuid)`, userId);
        // Inbox and its deliveries (a delivery's recipient is the address in the clear once sent).
        await tx.$executeRawUnsafe(
          `DELETE FROM notification_deliveries d USING notifications n
            WHERE d.notification_id = n.id AND n.user_id = $1::uuid`,
          userId,
        );
        await tx.$executeRawUnsafe(`DELETE FROM notifications WHERE user_id = $1::uuid`, userId);
      });
    },
  },
  {
    name: "cart-dropped",
    run: ({ userId, redis }) => clearCart(redis(), userCartKey(userId)),
  },
  {
    name: "exports-deleted",
    run: async ({ userId, storageDir }) => {
      await rm(exportFolder(storageDir, userId), { recursive: true, force: true });
      await core().primary.privacyRequest.updateMany({
        where: { userId, kind: "export" },
        data: { status: "expired", fileName: null },
      });
    },
  },
  {
    name: "audited",
    run: async ({ requestId, userId }) => {
      const db = core().primary;
      const already = await db.auditLog.findFirst({
        where: { action: "privacy.erasure.done", targetType: "user", targetId: userId },
        select: { id: true },
      });
      if (already) return;
      const orders = await db.order.count({ where: { userId } });
      await db.auditLog.create({
        data: {
          actorUserId: null,
          action: "privacy.erasure.done",
          targetType: "user",
          targetId: userId,
          details: { requestId, ordersKept: orders, steps: ERASURE_STEPS.map((s) => s.name) },
        },
      });
    },
  },
];

/** Runs the steps after the last recorded one; safe to call again at any time. */
export async function eraseAccount(
  requestId: string,
  opts: { redis?: () => Redis; storageDir?: string; afterStep?: (step: string) => Promise<void> | void } = {},
): Promise<{ userId: string; steps: string[] }> {
  const request = await loadRequest(requestId, "erasure");
  const ctx: ErasureContext = {
    requestId,
    userId: request.userId,
    redis: opts.redis ?? sharedRedis,
    storageDir: opts.storageDir ?? loadConfig(storageSchema).AGORA_STORAGE_DIR,
  };
  const done = request.status === "done" ? ERASURE_STEPS.length : ERASURE_STEPS.findIndex((s) => s.name === request.step) + 1;
  const ran: string[] = [];
  for (const [i, step] of ERASURE_STEPS.entries()) {
    if (i < done) continue;
    await step.run(ctx);
    const last = i === ERASURE_STEPS.length - 1;
    await recordStep(requestId, {
      step: step.name,
      progress: Math.round(((i + 1) / ERASURE_STEPS.length) * 100),
      status: last ? "done" : "running",
    });
    ran.push(step.name);
    await opts.afterStep?.(step.name);
  }
  return { userId: request.userId, steps: ran };
}

let redis: Redis | undefined;
function sharedRedis(): Redis {
  redis ??= createRedis({ maxRetriesPerRequest: null, connectionName: "pool:maintenance:privacy" });
  return redis;
}
