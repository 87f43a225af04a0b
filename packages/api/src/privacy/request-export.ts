/**
 * "Download my data": one export at a time per shopper — asking again while one is queued or
 * running returns that one. The worker gathers the data and writes the file (apps/workers/src/privacy).
 */
import { randomUUID } from "node:crypto";
import { core } from "@agora/db";
import { enqueuePrivacyJob } from "./privacy-queue.ts";
import { PRIVACY_EXPORT_JOB } from "./privacy-contract.ts";

export async function requestExport(userId: string): Promise<{ requestId: string; created: boolean }> {
  const db = core().primary;
  const open = await db.privacyRequest.findFirst({
    where: { userId, kind: "export", status: { in: ["queued", "running"] } },
    select: { id: true },
  });
  if (open) return { requestId: open.id, created: false };
  const requestId = randomUUID();
  await db.privacyRequest.create({ data: { id: requestId, userId, kind: "export" } });
  await db.auditLog.create({
    data: { actorUserId: userId, action: "privacy.export.request", targetType: "user", targetId: userId, details: { requestId } },
  });
  await enqueuePrivacyJob(PRIVACY_EXPORT_JOB, { requestId });
  return { requestId, created: true };
}
