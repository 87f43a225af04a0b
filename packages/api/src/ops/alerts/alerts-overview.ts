/**
 * The console's Alerts page in one read: alerts firing now (acknowledged, muted), recent history,
 * the on-call inbox, silences, and per journey its SLO with the 30-day error budget left, the
 * burn rate of every alert window, and a burn chart (5-minute buckets over the last 6 hours).
 */
import {
  BURN_WINDOWS,
  budgetRemaining,
  burnRate,
  durationText,
  JOURNEY_SLOS,
  SLO_PERIOD_MS,
  type Journey,
} from "@agora/alerting";
import { core } from "@agora/db";
import { BURN_WINDOWS_MS, readSliWindows } from "./sli-store.ts";

const CHART_BUCKET_MS = 5 * 60_000;
const CHART_SPAN_MS = 6 * 3_600_000;

export async function alertsOverview() {
  const now = Date.now();
  const db = core().primary;
  const [firing, history, inbox, silences, windows, chartRows] = await Promise.all([
    db.alert.findMany({ where: { state: "firing" }, orderBy: { firedAt: "desc" }, take: 100 }),
    db.alert.findMany({ where: { state: "resolved" }, orderBy: { resolvedAt: "desc" }, take: 30 }),
    db.alertNotification.findMany({ orderBy: { createdAt: "desc" }, take: 50 }),
    db.alertSilence.findMany({
      where: { endsAt: { gt: new Date(now - 24 * 3_600_000) } },
      orderBy: { endsAt: "desc" },
      take: 50,
    }),
    readSliWindows(now, [...BURN_WINDOWS_MS, SLO_PERIOD_MS]),
    db.$queryRaw<{ journey: Journey; bucket: Date; good: bigint; total: bigint }[]>`
      SELECT journey, to_timestamp(floor(extract(epoch FROM minute) / ${CHART_BUCKET_MS / 1000}) * ${CHART_BUCKET_MS / 1000}) AS bucket,
             sum(good)::bigint AS good, sum(total)::bigint AS total
        FROM slo_event_minutes WHERE minute >= ${new Date(now - CHART_SPAN_MS)}
       GROUP BY 1, 2 ORDER BY 2`,
  ]);
  const slos = JOURNEY_SLOS.map((slo) => {
    const counts = (ms: number) => windows.get(slo.journey)?.get(ms) ?? { good: 0, total: 0 };
    const period = counts(SLO_PERIOD_MS);
    return {
      journey: slo.journey,
      title: slo.title,
      objective: slo.objective,
      periodEvents: period.total,
      periodBadEvents: period.total - period.good,
      budgetRemaining: budgetRemaining(period, slo.objective),
      windows: BURN_WINDOWS.map((w) => ({
        id: w.id,
        severity: w.severity,
        factor: w.factor,
        long: durationText(w.longMs),
        short: durationText(w.shortMs),
        longBurnRate: burnRate(counts(w.longMs), slo.objective),
        shortBurnRate: burnRate(counts(w.shortMs), slo.objective),
      })),
    };
  });
  const burn = JOURNEY_SLOS.map((slo) => ({
    journey: slo.journey,
    points: chartRows
      .filter((r) => r.journey === slo.journey)
      .map((r) => ({
        t: r.bucket.getTime(),
        burnRate: burnRate({ good: Number(r.good), total: Number(r.total) }, slo.objective),
      })),
  }));
  const alertView = (a: (typeof firing)[number]) => ({
    id: a.id,
    alertname: a.alertname,
    severity: a.severity,
    labels: a.labels as Record<string, string>,
    summary: a.summary,
    value: a.value,
    state: a.state,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    muted: a.muted,
    acknowledgedAt: a.acknowledgedAt,
  });
  return {
    at: now,
    firing: firing.map(alertView),
    history: history.map(alertView),
    inbox: inbox.map((n) => ({
      id: n.id,
      status: n.status,
      groupLabels: n.groupLabels as Record<string, string>,
      alerts: (n.alerts as { labels: Record<string, string>; summary: string }[]).map((a) => ({
        labels: a.labels,
        summary: a.summary,
      })),
      createdAt: n.createdAt,
      webhookState: n.webhookState,
      webhookAttempts: n.webhookAttempts,
    })),
    silences: silences.map((s) => ({
      id: s.id,
      matchers: s.matchers as { name: string; value: string; isRegex: boolean }[],
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      comment: s.comment,
      active: s.startsAt.getTime() <= now && s.endsAt.getTime() > now,
    })),
    slos,
    burn,
  };
}
