/**
 * The alert rules as a Prometheus Operator `PrometheusRule`, rendered from the same table the local
 * evaluator runs (`@agora/alerting`'s `alertRules()`): same names, labels, `for:` durations and
 * thresholds, so an alert means the same thing with or without a cluster. Alertmanager (not
 * rendered here) would route them as the local evaluator does: grouped by name and journey,
 * cluster or queue, with the fast-burn page inhibiting the slow-burn ticket.
 */
import { alertRules, durationText, type AlertRule } from "@agora/alerting";
import type { EnvironmentSpec } from "../environments.ts";
import type { Manifest } from "../manifest.ts";
import { metadata } from "../meta.ts";

export interface PrometheusAlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRuleManifest extends Manifest {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "PrometheusRule";
  spec: { groups: { name: string; interval: string; rules: PrometheusAlertRule[] }[] };
}

export function prometheusAlertRule(rule: AlertRule): PrometheusAlertRule {
  return {
    alert: rule.alertname,
    expr: rule.expr,
    ...(rule.forMs > 0 ? { for: durationText(rule.forMs) } : {}),
    labels: { severity: rule.severity, ...rule.labels },
    annotations: { summary: rule.summary },
  };
}

export function prometheusRule(env: EnvironmentSpec): PrometheusRuleManifest {
  const rules = alertRules();
  const slo = rules.filter((r) => r.alertname === "ErrorBudgetBurn");
  const infrastructure = rules.filter((r) => r.alertname !== "ErrorBudgetBurn");
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    // The Prometheus Operator's default ruleSelector picks rules labelled with `role: alert-rules`.
    metadata: metadata(env, "agora-alerts", { role: "alert-rules" }),
    spec: {
      groups: [
        { name: "agora-slo-burn-rate", interval: "30s", rules: slo.map(prometheusAlertRule) },
        { name: "agora-infrastructure", interval: "30s", rules: infrastructure.map(prometheusAlertRule) },
      ],
    },
  };
}
