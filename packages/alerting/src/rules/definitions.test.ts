import { describe, expect, it } from "vitest";
import { evaluateRules } from "./alert-state.ts";
import { alertRules, DEFAULT_THRESHOLDS, type RuleInput } from "./definitions.ts";
import type { Sample } from "./sample.ts";

const NOW = Date.UTC(2026, 0, 1);
const noTraffic = () => ({ good: 0, total: 0 });
const input = (samples: Sample[], sli: RuleInput["sli"] = noTraffic): RuleInput => ({ now: NOW, samples, sli });
const rules = alertRules();
const fire = (i: RuleInput) => rules.flatMap((r) => r.evaluate(i).map((s) => ({ id: r.id, ...s })));

describe("alert rules", () => {
  it("has a fast, a slow and a ticket burn rule per journey, and one rule per infrastructure condition", () => {
    expect(rules.map((r) => r.id)).toEqual([
      "ErrorBudgetBurn:browse:1h",
      "ErrorBudgetBurn:browse:6h",
      "ErrorBudgetBurn:browse:3d",
      "ErrorBudgetBurn:checkout:1h",
      "ErrorBudgetBurn:checkout:6h",
      "ErrorBudgetBurn:checkout:3d",
      "ErrorBudgetBurn:vendor-stock:1h",
      "ErrorBudgetBurn:vendor-stock:6h",
      "ErrorBudgetBurn:vendor-stock:3d",
      "ReplicationLagHigh",
      "CircuitBreakerOpen",
      "QueueOldestJobAge",
      "PayoutInDoubt",
      "CertificateExpiringSoon",
    ]);
  });

  it("evaluates nothing on an empty set of series (no certificates, no traffic)", () => {
    expect(fire(input([]))).toEqual([]);
  });

  it("fires the checkout page alerts and the ticket when checkout fails 2 % of the time in every window", () => {
    const sli: RuleInput["sli"] = (j) => (j === "checkout" ? { good: 980, total: 1000 } : { good: 1000, total: 1000 });
    expect(fire(input([], sli)).map((a) => a.id)).toEqual([
      "ErrorBudgetBurn:checkout:1h",
      "ErrorBudgetBurn:checkout:6h",
      "ErrorBudgetBurn:checkout:3d",
    ]);
  });

  it("fires an open breaker per process and breaker, and not a half-open one", () => {
    const s = (service: string, breaker: string, value: number): Sample => ({
      name: "agora_resilience_breaker_state",
      labels: { service, breaker },
      value,
    });
    const active = fire(input([s("workers-payments", "payment-provider", 2), s("workers-sagas", "carrier", 1)]));
    expect(active).toEqual([
      { id: "CircuitBreakerOpen", labels: { service: "workers-payments", breaker: "payment-provider" }, value: 2 },
    ]);
  });

  it("takes the worst replica's lag per cluster and the oldest job per queue", () => {
    const active = fire(
      input([
        { name: "agora_replication_lag_seconds", labels: { cluster: "shard-1", member: "a" }, value: 3 },
        { name: "agora_replication_lag_seconds", labels: { cluster: "shard-1", member: "b" }, value: 45 },
        { name: "agora_queue_oldest_waiting_seconds", labels: { queue: "sagas", service: "workers-sagas" }, value: 301 },
        { name: "agora_queue_oldest_waiting_seconds", labels: { queue: "analytics" }, value: 5 },
      ]),
    );
    expect(active).toEqual([
      { id: "ReplicationLagHigh", labels: { cluster: "shard-1" }, value: 45 },
      { id: "QueueOldestJobAge", labels: { queue: "sagas" }, value: 301 },
    ]);
  });

  it("fires for an in-doubt payout and for a certificate that expires within 14 days (synthetic series)", () => {
    const active = fire(
      input([
        { name: "agora_payout_in_doubt_transactions", labels: { cluster: "core" }, value: 0 },
        { name: "agora_payout_in_doubt_transactions", labels: { cluster: "shard-2" }, value: 1 },
        { name: "agora_certificate_not_after_seconds", labels: { certificate: "edge" }, value: NOW / 1000 + 3 * 86_400 },
        { name: "agora_certificate_not_after_seconds", labels: { certificate: "core-pg" }, value: NOW / 1000 + 90 * 86_400 },
      ]),
    );
    expect(active).toEqual([
      { id: "PayoutInDoubt", labels: { cluster: "shard-2" }, value: 1 },
      { id: "CertificateExpiringSoon", labels: { certificate: "edge" }, value: 3 * 86_400 },
    ]);
  });

  it("writes each gauge rule's PromQL from the same threshold it evaluates", () => {
    const byId = new Map(rules.map((r) => [r.id, r.expr]));
    expect(byId.get("QueueOldestJobAge")).toBe("max by (queue) (agora_queue_oldest_waiting_seconds) > 300");
    expect(byId.get("CertificateExpiringSoon")).toBe(
      `min by (certificate) (agora_certificate_not_after_seconds) - time() < ${DEFAULT_THRESHOLDS.certificateExpiryDays * 86_400}`,
    );
    expect(byId.get("ErrorBudgetBurn:checkout:1h")).toContain('[1h]))) > (14.4 * 0.001)\nand\n');
    expect(byId.get("ErrorBudgetBurn:checkout:1h")).toContain('procedure=~"cart\\\\..*|checkout\\\\..*"');
  });
});

describe("pending, firing, resolved (Prometheus semantics)", () => {
  const breaker: Sample = { name: "agora_resilience_breaker_state", labels: { service: "p", breaker: "b" }, value: 2 };
  const at = (t: number, samples: Sample[]): RuleInput => ({ now: NOW + t, samples, sli: noTraffic });

  it("stays pending until the condition held for `for:`, then fires once, then resolves once", () => {
    const forMs = DEFAULT_THRESHOLDS.breakerOpenForMs;
    const a = evaluateRules(rules, at(0, [breaker]), new Map());
    expect([...a.alerts.values()].map((x) => x.state)).toEqual(["pending"]);
    expect(a.transitions).toEqual([]);
    const b = evaluateRules(rules, at(forMs - 1, [breaker]), a.alerts);
    expect(b.transitions).toEqual([]);
    const c = evaluateRules(rules, at(forMs, [breaker]), b.alerts);
    expect(c.transitions.map((t) => [t.kind, t.alert.labels.alertname])).toEqual([["firing", "CircuitBreakerOpen"]]);
    const d = evaluateRules(rules, at(forMs + 15_000, [breaker]), c.alerts);
    expect(d.transitions).toEqual([]);
    const e = evaluateRules(rules, at(forMs + 30_000, []), d.alerts);
    expect(e.transitions.map((t) => t.kind)).toEqual(["resolved"]);
    expect(e.alerts.size).toBe(0);
  });

  it("drops a pending alert silently when the condition stops before `for:`", () => {
    const a = evaluateRules(rules, at(0, [breaker]), new Map());
    const b = evaluateRules(rules, at(10_000, []), a.alerts);
    expect(b.transitions).toEqual([]);
    expect(b.alerts.size).toBe(0);
  });

  it("labels an alert with its name, severity, rule labels and series labels", () => {
    const sli: RuleInput["sli"] = (j) => (j === "browse" ? { good: 900, total: 1000 } : { good: 0, total: 0 });
    const { transitions } = evaluateRules(rules, { now: NOW, samples: [], sli }, new Map());
    expect(transitions[0]?.alert.labels).toEqual({ alertname: "ErrorBudgetBurn", severity: "page", journey: "browse", window: "1h" });
  });
});
