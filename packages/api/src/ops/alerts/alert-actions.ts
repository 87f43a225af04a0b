/**
 * What an on-call operator does with alerts: acknowledge one (they own it now), silence alerts by
 * label matchers for a while, end a silence early. Each is recorded in the audit log.
 */
import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { CreateSilenceInput } from "./alerts.schema.ts";

async function audit(actorUserId: string, action: string, targetId: string, details: object) {
  await core().primary.auditLog.create({
    data: { actorUserId, action, targetType: "alert", targetId, details },
  });
}

export async function acknowledgeAlert(actorUserId: string, alertId: string) {
  const now = new Date();
  // Acknowledging twice keeps the first acknowledgement (who took it, and when).
  const updated = await core().primary.alert.updateMany({
    where: { id: alertId, acknowledgedAt: null },
    data: { acknowledgedAt: now, acknowledgedBy: actorUserId },
  });
  if (updated.count === 0) {
    const exists = await core().primary.alert.findUnique({ where: { id: alertId }, select: { id: true } });
    if (!exists) throw new TRPCError({ code: "NOT_FOUND", message: "no such alert" });
    return { alertId, acknowledged: false };
  }
  await audit(actorUserId, "alerts.acknowledge", alertId, {});
  return { alertId, acknowledged: true };
}

export async function createSilence(actorUserId: string, input: CreateSilenceInput) {
  const startsAt = new Date();
  const endsAt = new Date(startsAt.getTime() + input.durationMinutes * 60_000);
  const row = await core().primary.alertSilence.create({
    data: { matchers: input.matchers, startsAt, endsAt, comment: input.comment, createdBy: actorUserId },
  });
  await audit(actorUserId, "alerts.silence", row.id, { matchers: input.matchers, endsAt: endsAt.toISOString() });
  return { id: row.id, endsAt };
}

export async function expireSilence(actorUserId: string, silenceId: string) {
  const now = new Date();
  const updated = await core().primary.alertSilence.updateMany({
    where: { id: silenceId, endsAt: { gt: now } },
    data: { endsAt: now },
  });
  if (updated.count === 0) {
    const exists = await core().primary.alertSilence.findUnique({ where: { id: silenceId }, select: { id: true } });
    if (!exists) throw new TRPCError({ code: "NOT_FOUND", message: "no such silence" });
  } else await audit(actorUserId, "alerts.expire-silence", silenceId, {});
  return { id: silenceId, expired: updated.count > 0 };
}
