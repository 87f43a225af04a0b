/**
 * Alertmanager-style routing of one evaluation's transitions: muted alerts (silenced, inhibited)
 * are set aside, the rest are grouped by `GROUP_BY` labels, and each group becomes one notification
 * with an idempotency key derived from its content, so a retried delivery or a replayed insert has
 * its effect once. The payload is Alertmanager's webhook format (version 4).
 */
import { createHash } from "node:crypto";
import type { Transition } from "../rules/alert-state.ts";
import { labelsKey } from "../rules/sample.ts";
import { inhibited, silencedBy, type Silence } from "./silences.ts";

export const GROUP_BY = ["alertname", "journey", "cluster", "queue"] as const;

export interface NotifiedAlert {
  fingerprint: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  summary: string;
  value: number;
  startsAt: number;
  endsAt?: number;
}

export interface AlertNotification {
  /** Idempotency key: the same group, status, time and alerts always give the same key. */
  id: string;
  groupKey: string;
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  alerts: NotifiedAlert[];
  at: number;
}

export interface MutedAlert {
  fingerprint: string;
  reason: "silenced" | "inhibited";
  silenceId?: string;
}

export interface RouteInput {
  transitions: readonly Transition[];
  silences: readonly Silence[];
  /** Labels of every alert firing after this evaluation (inhibition sources). */
  firing: readonly Record<string, string>[];
  now: number;
}

export function routeTransitions(input: RouteInput): { notifications: AlertNotification[]; muted: MutedAlert[] } {
  const muted: MutedAlert[] = [];
  const groups = new Map<string, { status: "firing" | "resolved"; groupLabels: Record<string, string>; alerts: NotifiedAlert[] }>();
  for (const t of input.transitions) {
    const { labels } = t.alert;
    const silence = silencedBy(labels, input.silences, input.now);
    if (silence) {
      muted.push({ fingerprint: t.alert.fingerprint, reason: "silenced", silenceId: silence.id });
      continue;
    }
    if (t.kind === "firing" && inhibited(labels, input.firing)) {
      muted.push({ fingerprint: t.alert.fingerprint, reason: "inhibited" });
      continue;
    }
    const groupLabels = Object.fromEntries(GROUP_BY.filter((k) => labels[k] !== undefined).map((k) => [k, labels[k] ?? ""]));
    const key = `${t.kind}|${labelsKey(groupLabels)}`;
    const group = groups.get(key) ?? { status: t.kind, groupLabels, alerts: [] };
    group.alerts.push({
      fingerprint: t.alert.fingerprint,
      status: t.kind,
      labels,
      summary: t.alert.summary,
      value: t.alert.value,
      startsAt: t.alert.firedAt ?? t.alert.activeAt,
      ...(t.kind === "resolved" ? { endsAt: t.at } : {}),
    });
    groups.set(key, group);
  }
  const notifications = [...groups.values()].map((g): AlertNotification => {
    const groupKey = labelsKey(g.groupLabels);
    const fingerprints = g.alerts.map((a) => a.fingerprint).sort();
    const id = createHash("sha256")
      .update(JSON.stringify([groupKey, g.status, input.now, fingerprints]))
      .digest("hex")
      .slice(0, 32);
    return { id, groupKey, status: g.status, groupLabels: g.groupLabels, alerts: g.alerts, at: input.now };
  });
  return { notifications, muted };
}

/** The body a webhook receiver gets: Alertmanager's webhook format, version 4. */
export function webhookPayload(n: AlertNotification, receiver = "webhook") {
  const common = commonLabels(n.alerts.map((a) => a.labels));
  return {
    version: "4",
    groupKey: n.groupKey,
    status: n.status,
    receiver,
    groupLabels: n.groupLabels,
    commonLabels: common,
    commonAnnotations: {},
    externalURL: "",
    truncatedAlerts: 0,
    alerts: n.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: { summary: a.summary, value: String(a.value) },
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === undefined ? "0001-01-01T00:00:00Z" : new Date(a.endsAt).toISOString(),
      fingerprint: a.fingerprint,
    })),
  };
}

function commonLabels(sets: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = sets;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((s) => s[k] === v)));
}
