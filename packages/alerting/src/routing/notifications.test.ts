import { describe, expect, it } from "vitest";
import type { AlertInstance, Transition } from "../rules/alert-state.ts";
import { routeTransitions, webhookPayload } from "./notifications.ts";
import { matcherSchema, silencedBy, type Silence } from "./silences.ts";

const NOW = Date.UTC(2026, 0, 1);
function alert(labels: Record<string, string>, fingerprint = JSON.stringify(labels)): AlertInstance {
  return { fingerprint, ruleId: labels.alertname ?? "", labels, summary: "s", state: "firing", activeAt: NOW - 60_000, firedAt: NOW, value: 1 };
}
const firing = (labels: Record<string, string>): Transition => ({ kind: "firing", alert: alert(labels), at: NOW });
const m = (name: string, value: string, isRegex = false) => ({ name, value, isRegex });

describe("routing", () => {
  it("groups alerts of the same name and grouping labels into one notification", () => {
    const { notifications } = routeTransitions({
      transitions: [
        firing({ alertname: "CircuitBreakerOpen", severity: "page", service: "workers-payments", breaker: "a" }),
        firing({ alertname: "CircuitBreakerOpen", severity: "page", service: "workers-sagas", breaker: "b" }),
        firing({ alertname: "QueueOldestJobAge", severity: "ticket", queue: "sagas" }),
      ],
      silences: [],
      firing: [],
      now: NOW,
    });
    expect(notifications.map((n) => [n.groupLabels, n.alerts.length])).toEqual([
      [{ alertname: "CircuitBreakerOpen" }, 2],
      [{ alertname: "QueueOldestJobAge", queue: "sagas" }, 1],
    ]);
  });

  it("gives the same notification the same idempotency key, and another one another key", () => {
    const input = { transitions: [firing({ alertname: "A", severity: "page" })], silences: [], firing: [], now: NOW };
    const [a] = routeTransitions(input).notifications;
    const [b] = routeTransitions(input).notifications;
    const [c] = routeTransitions({ ...input, now: NOW + 1 }).notifications;
    expect(a?.id).toBe(b?.id);
    expect(a?.id).not.toBe(c?.id);
  });

  it("mutes an alert matched by an active silence, and not after the silence expired", () => {
    const silence: Silence = { id: "s1", matchers: [m("alertname", "Circuit.*", true), m("service", "workers-payments")], startsAt: NOW - 1, endsAt: NOW + 60_000 };
    const t = firing({ alertname: "CircuitBreakerOpen", severity: "page", service: "workers-payments" });
    const during = routeTransitions({ transitions: [t], silences: [silence], firing: [], now: NOW });
    expect(during.notifications).toEqual([]);
    expect(during.muted).toEqual([{ fingerprint: t.alert.fingerprint, reason: "silenced", silenceId: "s1" }]);
    expect(silencedBy(t.alert.labels, [silence], NOW + 60_000)).toBeUndefined();
  });

  it("inhibits a journey's slow-burn ticket while its fast-burn page fires", () => {
    const page = { alertname: "ErrorBudgetBurn", severity: "page", journey: "checkout", window: "1h" };
    const ticket = { alertname: "ErrorBudgetBurn", severity: "ticket", journey: "checkout", window: "3d" };
    const other = { alertname: "ErrorBudgetBurn", severity: "ticket", journey: "browse", window: "3d" };
    const r = routeTransitions({ transitions: [firing(ticket), firing(other)], silences: [], firing: [page, ticket, other], now: NOW });
    expect(r.muted.map((x) => x.reason)).toEqual(["inhibited"]);
    expect(r.notifications.flatMap((n) => n.alerts.map((a) => a.labels.journey))).toEqual(["browse"]);
  });

  it("refuses a silence matcher with an invalid pattern", () => {
    expect(matcherSchema.safeParse(m("alertname", "(", true)).success).toBe(false);
  });

  it("sends Alertmanager's version 4 webhook body", () => {
    const [n] = routeTransitions({ transitions: [firing({ alertname: "A", severity: "page", queue: "q" })], silences: [], firing: [], now: NOW }).notifications;
    const body = webhookPayload(n!);
    expect(body).toMatchObject({ version: "4", status: "firing", groupLabels: { alertname: "A", queue: "q" }, commonLabels: { alertname: "A", severity: "page", queue: "q" } });
    expect(body.alerts[0]?.endsAt).toBe("0001-01-01T00:00:00Z");
  });
});
