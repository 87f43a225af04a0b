/**
 * The webhook receiver: each pending notification is POSTed in Alertmanager's version 4 format with
 * an `Idempotency-Key` (the notification id), so a receiver that saw an attempt whose answer was
 * lost can drop the repeat. Every attempt has a timeout; retries are bounded (3 attempts per
 * evaluation, MAX_WEBHOOK_ATTEMPTS in all) with cockatiel's decorrelated-jitter exponential backoff.
 */
import { webhookPayload, type AlertNotification } from "@agora/alerting";
import { pendingWebhookDeliveries, recordWebhookAttempt } from "@agora/api/alerts";
import { createLogger } from "@agora/telemetry";
import { ExponentialBackoff, handleAll, retry } from "cockatiel";

const log = createLogger({ service: "alert-evaluator" });

export class WebhookRejected extends Error {
  readonly code = "WEBHOOK_REJECTED";
  constructor(readonly status: number) {
    super(`webhook receiver answered HTTP ${status}`);
  }
}

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  /** Backoff bounds between attempts within one delivery round. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export async function postNotification(n: AlertNotification, opts: WebhookOptions): Promise<{ attempts: number; error?: string }> {
  let attempts = 0;
  const policy = retry(handleAll, {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({ initialDelay: opts.initialDelayMs ?? 250, maxDelay: opts.maxDelayMs ?? 2_000 }),
  });
  try {
    await policy.execute(async () => {
      attempts += 1;
      const res = await fetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": n.id },
        body: JSON.stringify(webhookPayload(n)),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      // Drain the body so the connection is reused.
      await res.arrayBuffer();
      if (!res.ok) throw new WebhookRejected(res.status);
    });
    return { attempts };
  } catch (err) {
    return { attempts, error: (err as Error).message };
  }
}

/** Delivers what is pending (this evaluation's notifications and earlier failed ones). */
export async function deliverPendingWebhooks(opts: WebhookOptions): Promise<number> {
  let delivered = 0;
  for (const d of await pendingWebhookDeliveries()) {
    const r = await postNotification(d.notification, opts);
    await recordWebhookAttempt(d.notification.id, r.attempts, r.error);
    if (r.error) log.warn({ notification: d.notification.id, err: r.error }, "alert webhook delivery failed");
    else delivered += 1;
  }
  return delivered;
}
