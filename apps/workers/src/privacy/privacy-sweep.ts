/**
 * The maintenance pool's scheduled privacy sweep: deletes export files past their expiry, and
 * resumes erasures left unfinished (their job lost to a Redis failover, or failed for good while a
 * cluster was down) — an erasure must end, not wait for the shopper to ask again.
 */
import { rm } from "node:fs/promises";
import { core } from "@agora/db";
import { exportFilePath } from "@agora/api/privacy";
import { eraseAccount } from "./erase-account.ts";

/** An erasure untouched this long has no live job. */
const STALLED_MS = 60_000;

export async function sweepPrivacyRequests(storageDir: string): Promise<{ expired: number; resumed: number }> {
  const db = core().primary;
  const expiredRows = await db.privacyRequest.findMany({
    where: { kind: "export", status: "done", expiresAt: { lte: new Date() } },
    select: { id: true, userId: true },
  });
  for (const r of expiredRows) {
    await rm(exportFilePath(storageDir, r.userId, r.id), { force: true });
    await db.privacyRequest.update({ where: { id: r.id }, data: { status: "expired", fileName: null } });
  }
  const stalled = await db.privacyRequest.findMany({
    where: {
      kind: "erasure",
      status: { in: ["queued", "running", "failed"] },
      updatedAt: { lte: new Date(Date.now() - STALLED_MS) },
    },
    select: { id: true },
  });
  for (const r of stalled) await eraseAccount(r.id, { storageDir });
  return { expired: expiredRows.length, resumed: stalled.length };
}
