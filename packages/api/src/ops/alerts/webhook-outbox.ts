/**
 * `alert_notifications` as the webhook receiver's outbox: a notification is written with the
 * evaluation that raised it (`pending`), then delivered after the commit; each attempt is counted
 * and the row ends `delivered` or, after MAX_ATTEMPTS, `failed` (still in the on-call inbox).
 */
import type { AlertNotification } from "@agora/alerting";
import { core } from "@agora/db";

export const MAX_WEBHOOK_ATTEMPTS = 6;

export interface WebhookDelivery {
  notification: AlertNotification;
  attempts: number;
}

export async function pendingWebhookDeliveries(limit = 20): Promise<WebhookDelivery[]> {
  const rows = await core().primary.alertNotification.findMany({
    where: { webhookState: "pending" },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  return rows.map((r) => ({
    attempts: r.webhookAttempts,
    notification: {
      id: r.id,
      groupKey: r.groupKey,
      status: r.status === "resolved" ? "resolved" : "firing",
      groupLabels: r.groupLabels as Record<string, string>,
      alerts: r.alerts as unknown as AlertNotification["alerts"],
      at: r.createdAt.getTime(),
    },
  }));
}

/** Counts `attempts` more tries; `error` undefined means the receiver accepted it. */
export async function recordWebhookAttempt(id: string, attempts: number, error?: string): Promise<void> {
  await core().primary.$executeRaw`
    UPDATE alert_notifications
       SET webhook_attempts = webhook_attempts + ${attempts},
           webhook_state = CASE WHEN ${error ?? null}::text IS NULL THEN 'delivered'
                                WHEN webhook_attempts + ${attempts} >= ${MAX_WEBHOOK_ATTEMPTS} THEN 'failed'
                                ELSE 'pending' END,
           webhook_error = ${error ?? null},
           delivered_at = CASE WHEN ${error ?? null}::text IS NULL THEN now() ELSE NULL END
     WHERE id = ${id} AND webhook_state = 'pending'`;
}
