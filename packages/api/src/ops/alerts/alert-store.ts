/**
 * The alerting tables in core (migration 0016): the evaluator records each evaluation's
 * transitions and routed notifications in ONE transaction, so the inbox and the webhook outbox
 * never disagree with the alerts; every write is idempotent (one firing row per fingerprint,
 * notifications keyed by their idempotency key), so a replay after a leader change is harmless.
 */
import type { AlertInstance, AlertNotification, MutedAlert, Silence, Transition } from "@agora/alerting";
import { matcherSchema } from "@agora/alerting";
import { core } from "@agora/db";
import { z } from "zod";

const storedMatchers = z.array(matcherSchema);
const storedLabels = z.record(z.string(), z.string());

/** The alerts firing now, as the state a newly elected evaluator continues from. */
export async function loadFiringAlerts(): Promise<Map<string, AlertInstance>> {
  const rows = await core().primary.alert.findMany({ where: { state: "firing" } });
  return new Map(
    rows.map((r) => [
      r.fingerprint,
      {
        fingerprint: r.fingerprint,
        ruleId: r.ruleId,
        labels: storedLabels.parse(r.labels),
        summary: r.summary,
        state: "firing" as const,
        activeAt: r.activeSince.getTime(),
        firedAt: r.firedAt.getTime(),
        value: r.value,
      },
    ]),
  );
}

export async function activeSilences(now: number): Promise<Silence[]> {
  const rows = await core().primary.alertSilence.findMany({
    where: { startsAt: { lte: new Date(now) }, endsAt: { gt: new Date(now) } },
  });
  return rows.map((r) => ({
    id: r.id,
    matchers: storedMatchers.parse(r.matchers),
    startsAt: r.startsAt.getTime(),
    endsAt: r.endsAt.getTime(),
  }));
}

export interface EvaluationRecord {
  transitions: readonly Transition[];
  notifications: readonly AlertNotification[];
  muted: readonly MutedAlert[];
  /** Whether a webhook receiver is configured (else notifications go to the inbox only). */
  webhook: boolean;
}

export async function recordEvaluation(r: EvaluationRecord): Promise<void> {
  if (r.transitions.length === 0) return;
  await core().primary.$transaction(async (tx) => {
    for (const t of r.transitions) {
      const a = t.alert;
      if (t.kind === "firing") {
        await tx.$executeRaw`
          INSERT INTO alerts (fingerprint, rule_id, alertname, severity, labels, summary, value, state, active_since, fired_at)
          VALUES (${a.fingerprint}, ${a.ruleId}, ${a.labels.alertname ?? a.ruleId}, ${a.labels.severity ?? "page"},
                  ${JSON.stringify(a.labels)}::jsonb, ${a.summary}, ${a.value}, 'firing',
                  ${new Date(a.activeAt)}, ${new Date(a.firedAt ?? t.at)})
          ON CONFLICT (fingerprint) WHERE state = 'firing' DO NOTHING`;
      } else {
        await tx.$executeRaw`
          UPDATE alerts SET state = 'resolved', resolved_at = ${new Date(t.at)}
           WHERE fingerprint = ${a.fingerprint} AND state = 'firing'`;
      }
    }
    for (const m of r.muted) {
      await tx.$executeRaw`
        UPDATE alerts SET muted = ${m.reason} WHERE fingerprint = ${m.fingerprint} AND state = 'firing'`;
    }
    for (const n of r.notifications) {
      await tx.$executeRaw`
        INSERT INTO alert_notifications (id, group_key, status, group_labels, alerts, created_at, webhook_state)
        VALUES (${n.id}, ${n.groupKey}, ${n.status}, ${JSON.stringify(n.groupLabels)}::jsonb,
                ${JSON.stringify(n.alerts)}::jsonb, ${new Date(n.at)}, ${r.webhook ? "pending" : "none"})
        ON CONFLICT (id) DO NOTHING`;
    }
  });
}
