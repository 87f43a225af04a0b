/**
 * Prometheus alert semantics: a series whose condition holds becomes `pending`; once it has held
 * for the rule's `for:` it is `firing`; when the condition stops, a pending alert is dropped
 * silently and a firing one is `resolved`. Only firing and resolved transitions are notified.
 */
import type { AlertRule, RuleInput } from "./definitions.ts";
import { labelsKey } from "./sample.ts";

export interface AlertInstance {
  /** Rule id + series labels: the same condition on the same series is the same alert. */
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  summary: string;
  state: "pending" | "firing";
  /** When the condition started to hold. */
  activeAt: number;
  firedAt?: number;
  value: number;
}

export interface Transition {
  kind: "firing" | "resolved";
  alert: AlertInstance;
  at: number;
}

export interface EvaluationResult {
  alerts: Map<string, AlertInstance>;
  transitions: Transition[];
}

/** One evaluation of every rule against `input`, continuing from the previous alerts. */
export function evaluateRules(
  rules: readonly AlertRule[],
  input: RuleInput,
  previous: ReadonlyMap<string, AlertInstance>,
): EvaluationResult {
  const now = input.now;
  const alerts = new Map<string, AlertInstance>();
  const transitions: Transition[] = [];
  for (const rule of rules) {
    for (const series of rule.evaluate(input)) {
      const labels = { alertname: rule.alertname, severity: rule.severity, ...rule.labels, ...series.labels };
      const fingerprint = `${rule.id}|${labelsKey(series.labels)}`;
      const before = previous.get(fingerprint);
      const activeAt = before?.activeAt ?? now;
      const holdsLongEnough = now - activeAt >= rule.forMs;
      const alert: AlertInstance = {
        fingerprint,
        ruleId: rule.id,
        labels,
        summary: rule.summary,
        state: holdsLongEnough ? "firing" : "pending",
        activeAt,
        value: series.value,
        ...(before?.firedAt !== undefined ? { firedAt: before.firedAt } : {}),
      };
      if (alert.state === "firing" && before?.state !== "firing") {
        alert.firedAt = now;
        transitions.push({ kind: "firing", alert, at: now });
      }
      alerts.set(fingerprint, alert);
    }
  }
  for (const [fingerprint, before] of previous) {
    if (alerts.has(fingerprint) || before.state !== "firing") continue;
    transitions.push({ kind: "resolved", alert: before, at: now });
  }
  return { alerts, transitions };
}
