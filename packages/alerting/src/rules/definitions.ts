/**
 * Every alert rule Agora evaluates, in one table. Each rule carries BOTH its local evaluation
 * (over scraped/probed samples and the SLI store) and its PromQL expression, built from the same
 * thresholds, so the in-process evaluator and the PrometheusRule rendered for Kubernetes agree.
 */
import {
  BURN_WINDOWS,
  burnWindowFires,
  durationText,
  type EventCounts,
  type Severity,
} from "../slo/burn-rate.ts";
import { JOURNEY_SLOS, procedureRegex, SERVER_FAILURE_CODES, type Journey } from "../slo/journeys.ts";
import { labelsKey, type ActiveSeries, type Sample } from "./sample.ts";

export interface RuleInput {
  /** Unix ms of this evaluation. */
  now: number;
  /** Latest gauge values from every scraped process and the evaluator's own probes. */
  samples: readonly Sample[];
  /** Good/total events of a journey over the last `windowMs`. */
  sli: (journey: Journey, windowMs: number) => EventCounts;
}

export interface AlertRule {
  /** Unique per rule: alertname plus its static labels. */
  id: string;
  alertname: string;
  severity: Severity;
  /** How long the condition must hold before the alert fires (Prometheus `for:`). */
  forMs: number;
  labels: Record<string, string>;
  summary: string;
  /** The same condition in PromQL, for the rendered PrometheusRule. */
  expr: string;
  evaluate: (input: RuleInput) => ActiveSeries[];
}

export interface AlertThresholds {
  replicationLagSeconds: number;
  replicationLagForMs: number;
  breakerOpenForMs: number;
  queueOldestJobSeconds: number;
  queueAgeForMs: number;
  payoutInDoubtForMs: number;
  certificateExpiryDays: number;
  certificateForMs: number;
}

const MINUTE = 60_000;
export const DEFAULT_THRESHOLDS: AlertThresholds = {
  replicationLagSeconds: 30,
  replicationLagForMs: 2 * MINUTE,
  breakerOpenForMs: MINUTE,
  queueOldestJobSeconds: 300,
  queueAgeForMs: 2 * MINUTE,
  // Recovery resolves an in-doubt payout within a grace period plus an interval (ADR 0005).
  payoutInDoubtForMs: 5 * MINUTE,
  certificateExpiryDays: 14,
  certificateForMs: 60 * MINUTE,
};

/** Names the breakers' state gauge has carried; the state is 0 closed, 1 half-open, 2 open. */
const BREAKER_METRICS = ["agora_resilience_breaker_state", "resilience_breaker_state"];

interface GaugeRule {
  alertname: string;
  severity: Severity;
  forMs: number;
  summary: string;
  metrics: readonly string[];
  by: readonly string[];
  aggregate: "max" | "min";
  /** Turns the aggregated value into the compared one (certificate not-after → seconds left). */
  relativeToNow?: boolean;
  op: ">" | ">=" | "<";
  threshold: number;
}

function gaugeRule(g: GaugeRule): AlertRule {
  const metric = g.metrics[0] ?? "";
  const aggregated = `${g.aggregate} by (${g.by.join(", ")}) (${metric})`;
  const lhs = g.relativeToNow ? `${aggregated} - time()` : aggregated;
  return {
    id: g.alertname,
    alertname: g.alertname,
    severity: g.severity,
    forMs: g.forMs,
    labels: {},
    summary: g.summary,
    expr: `${lhs} ${g.op} ${g.threshold}`,
    evaluate: ({ samples, now }) => {
      const groups = new Map<string, ActiveSeries>();
      for (const s of samples) {
        if (!g.metrics.includes(s.name) || !Number.isFinite(s.value)) continue;
        const labels = Object.fromEntries(g.by.map((k) => [k, s.labels[k] ?? ""]));
        const key = labelsKey(labels);
        const prev = groups.get(key);
        const keep = !prev || (g.aggregate === "max" ? s.value > prev.value : s.value < prev.value);
        if (keep) groups.set(key, { labels, value: s.value });
      }
      const out: ActiveSeries[] = [];
      for (const series of groups.values()) {
        const v = g.relativeToNow ? series.value - now / 1000 : series.value;
        if (compare(v, g.op, g.threshold)) out.push({ labels: series.labels, value: v });
      }
      return out;
    },
  };
}

function compare(v: number, op: GaugeRule["op"], threshold: number): boolean {
  if (op === ">") return v > threshold;
  if (op === ">=") return v >= threshold;
  return v < threshold;
}

/** The PromQL error ratio of a journey over a window. */
function errorRatioExpr(regex: string, windowMs: number): string {
  const range = durationText(windowMs);
  const bad = `agora_trpc_requests_total{procedure=~"${regex}",status="error",error=~"${SERVER_FAILURE_CODES.join("|")}"}`;
  const all = `agora_trpc_requests_total{procedure=~"${regex}"}`;
  return `(sum(rate(${bad}[${range}])) / sum(rate(${all}[${range}])))`;
}

function burnRules(): AlertRule[] {
  return JOURNEY_SLOS.flatMap((slo) =>
    BURN_WINDOWS.map((w): AlertRule => {
      const regex = procedureRegex(slo);
      const limit = `(${w.factor} * ${Number((1 - slo.objective).toFixed(6))})`;
      const labels = { journey: slo.journey, window: w.id };
      return {
        id: `ErrorBudgetBurn:${slo.journey}:${w.id}`,
        alertname: "ErrorBudgetBurn",
        severity: w.severity,
        // The short window already demands the burn be current; Prometheus' `for` adds nothing here.
        forMs: 0,
        labels,
        summary: `${slo.title}: error budget burning ${w.factor}x over ${durationText(w.longMs)} and ${durationText(w.shortMs)}`,
        expr: `${errorRatioExpr(regex, w.longMs)} > ${limit}\nand\n${errorRatioExpr(regex, w.shortMs)} > ${limit}`,
        evaluate: ({ sli }) => {
          const r = burnWindowFires(w, (ms) => sli(slo.journey, ms), slo.objective);
          return r.fires ? [{ labels: {}, value: Math.min(r.longRate, r.shortRate) }] : [];
        },
      };
    }),
  );
}

/** The full rule table; tests pass lower thresholds to produce each condition quickly. */
export function alertRules(t: AlertThresholds = DEFAULT_THRESHOLDS): AlertRule[] {
  return [
    ...burnRules(),
    gaugeRule({
      alertname: "ReplicationLagHigh",
      severity: "page",
      forMs: t.replicationLagForMs,
      summary: `A replica replays more than ${t.replicationLagSeconds} s behind its primary`,
      metrics: ["agora_replication_lag_seconds"],
      by: ["cluster"],
      aggregate: "max",
      op: ">",
      threshold: t.replicationLagSeconds,
    }),
    gaugeRule({
      alertname: "CircuitBreakerOpen",
      severity: "page",
      forMs: t.breakerOpenForMs,
      summary: "A circuit breaker is open: calls to its dependency are refused",
      metrics: BREAKER_METRICS,
      by: ["service", "breaker"],
      aggregate: "max",
      op: ">=",
      threshold: 2,
    }),
    gaugeRule({
      alertname: "QueueOldestJobAge",
      severity: "ticket",
      forMs: t.queueAgeForMs,
      summary: `A queue's oldest waiting job is older than ${t.queueOldestJobSeconds} s`,
      metrics: ["agora_queue_oldest_waiting_seconds"],
      by: ["queue"],
      aggregate: "max",
      op: ">",
      threshold: t.queueOldestJobSeconds,
    }),
    gaugeRule({
      alertname: "PayoutInDoubt",
      severity: "page",
      forMs: t.payoutInDoubtForMs,
      summary: "A payout two-phase commit is still in doubt after recovery (ADR 0005)",
      metrics: ["agora_payout_in_doubt_transactions"],
      by: ["cluster"],
      aggregate: "max",
      op: ">",
      threshold: 0,
    }),
    gaugeRule({
      alertname: "CertificateExpiringSoon",
      severity: "ticket",
      forMs: t.certificateForMs,
      summary: `A TLS certificate expires in less than ${t.certificateExpiryDays} days`,
      metrics: ["agora_certificate_not_after_seconds"],
      by: ["certificate"],
      aggregate: "min",
      relativeToNow: true,
      op: "<",
      threshold: t.certificateExpiryDays * 86_400,
    }),
  ];
}
