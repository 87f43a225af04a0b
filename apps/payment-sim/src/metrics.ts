/** Prometheus text exposition, written by hand: a few counters and gauges need no client library. */
import type { FaultConfig } from "./faults.ts";

export interface MetricsSnapshot {
  captures: number;
  capturedCents: number;
  refunds: number;
  faults: FaultConfig;
}

export class Metrics {
  private readonly requests = new Map<
    string,
    { method: string; route: string; status: number; count: number }
  >();
  private readonly webhooks = new Map<string, number>();

  recordRequest(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const entry = this.requests.get(key) ?? { method, route, status, count: 0 };
    entry.count += 1;
    this.requests.set(key, entry);
  }

  recordWebhookAttempt(outcome: "delivered" | "retry" | "failed"): void {
    this.webhooks.set(outcome, (this.webhooks.get(outcome) ?? 0) + 1);
  }

  render(s: MetricsSnapshot): string {
    const lines: string[] = [];
    const metric = (
      name: string,
      type: "counter" | "gauge",
      help: string,
      samples: [string, number][],
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric(
      "payment_sim_http_requests_total",
      "counter",
      "HTTP requests by method, route template and status.",
      [...this.requests.values()].map((r) => [
        `{method="${r.method}",route="${escapeLabel(r.route)}",status="${r.status}"}`,
        r.count,
      ]),
    );
    metric("payment_sim_captures_total", "counter", "Captures executed (never counts replays).", [
      ["", s.captures],
    ]);
    metric(
      "payment_sim_captured_cents_total",
      "counter",
      "Sum of captured amounts in minor units.",
      [["", s.capturedCents]],
    );
    metric("payment_sim_refunds_total", "counter", "Refunds executed.", [["", s.refunds]]);
    metric(
      "payment_sim_webhook_attempts_total",
      "counter",
      "Carrier webhook attempts by outcome.",
      [...this.webhooks.entries()].map(([outcome, n]) => [`{outcome="${outcome}"}`, n]),
    );
    const f = s.faults;
    const scope = `{scope="${f.scope}"}`;
    metric("payment_sim_fault_outage", "gauge", "1 while an outage is injected.", [
      [scope, f.outage ? 1 : 0],
    ]);
    metric("payment_sim_fault_error_rate", "gauge", "Injected error rate (0..1).", [
      [scope, f.errorRate],
    ]);
    metric("payment_sim_fault_latency_ms", "gauge", "Injected base latency.", [
      [scope, f.latencyMs],
    ]);
    metric("payment_sim_fault_latency_jitter_ms", "gauge", "Injected latency jitter.", [
      [scope, f.latencyJitterMs],
    ]);
    return `${lines.join("\n")}\n`;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
