/**
 * The alert evaluator: every `everyMs` the leader (one instance, elected on etcd) gathers samples,
 * adds the journeys' request increases to the SLO minutes, evaluates every rule with Prometheus'
 * pending/firing/resolved semantics, routes the transitions (silences, inhibition, grouping) and
 * records alerts and notifications in one core transaction, then delivers pending webhooks.
 * A follower does nothing but keep its candidacy, so a second maintenance process costs no CPU here.
 */
import {
  evaluateRules,
  routeTransitions,
  sliIncrease,
  type AlertInstance,
  type AlertNotification,
  type AlertRule,
  type CounterTotals,
  type Sample,
} from "@agora/alerting";
import {
  activeSilences,
  loadFiringAlerts,
  pruneSliMinutes,
  readSliWindows,
  recordEvaluation,
  recordSliIncrease,
} from "@agora/api/alerts";
import { counter, createLogger, gauge } from "@agora/telemetry";
import { deliverPendingWebhooks, type WebhookOptions } from "./webhook-receiver.ts";

const log = createLogger({ service: "alert-evaluator" });
const PRUNE_EVERY_MS = 3_600_000;
/**
 * Prometheus restores a pending alert's `for:` progress after a restart (ALERTS_FOR_STATE, with
 * `--rules.alert.for-outage-tolerance`, 1 h by default). Here the evaluator keeps its own pending
 * alerts when it loses the lease and continues them when it leads again within this tolerance, so a
 * leadership that flaps on a starved box (leases lapsing under load) cannot keep a `for: 1m` alert
 * pending forever. The next evaluation still has to see the condition, or the alert is dropped.
 */
export const PENDING_OUTAGE_TOLERANCE_MS = 5 * 60_000;

const firingGauge = gauge<"alertname" | "severity">({
  name: "alerts_firing",
  help: "Alerts firing after the evaluator's last evaluation (leader only)",
  labelNames: ["alertname", "severity"],
});
const evaluations = counter<"outcome">({
  name: "alert_evaluations_total",
  help: "Alert evaluations by outcome: evaluated, follower (not leading), failed, or abandoned past the deadline",
  labelNames: ["outcome"],
});
const lastEvaluation = gauge({
  name: "alert_last_evaluation_timestamp_seconds",
  help: "When the evaluator last finished an evaluation as leader (a stalled evaluator stops moving it)",
});
const notificationsSent = counter<"status">({
  name: "alert_notifications_total",
  help: "Notifications routed to the on-call inbox (and webhook), by status",
  labelNames: ["status"],
});

export interface AlertEvaluatorOptions {
  rules: readonly AlertRule[];
  signals: () => Promise<Sample[]>;
  /** Whether this process may act as the evaluator right now (the leader term's local deadline). */
  isLeader: () => boolean;
  webhook?: WebhookOptions;
  now?: () => number;
}

export interface EvaluationOutcome {
  at: number;
  firing: number;
  pending: number;
  notifications: AlertNotification[];
}

export class AlertEvaluator {
  /** Undefined until a leader term loaded the firing alerts from core. */
  private alerts: Map<string, AlertInstance> | undefined;
  /** Pending alerts of this process's last term, and when that term ended. */
  private retained: { pending: AlertInstance[]; at: number } | undefined;
  private totals: CounterTotals | undefined;
  private prunedAt = 0;
  private readonly now: () => number;
  /** Where the evaluation in progress is (for the log line of one that overran its deadline). */
  private step = "idle";
  /** Bumped when an evaluation is abandoned: it must not write if it ever resumes. */
  private epoch = 0;

  constructor(private readonly opts: AlertEvaluatorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A new term starts from what core says is firing, and from a fresh counter baseline. */
  lead(): void {
    this.alerts = undefined;
    this.totals = undefined;
  }

  lose(): void {
    if (this.alerts)
      this.retained = { pending: [...this.alerts.values()].filter((a) => a.state === "pending"), at: this.now() };
    this.alerts = undefined;
    this.totals = undefined;
    // Only the leader's view counts: a follower reports nothing firing rather than a stale count.
    firingGauge.reset();
  }

  /** Core's firing alerts, plus this process's pending ones from its last term if it ended recently. */
  private continuePending(firing: Map<string, AlertInstance>): Map<string, AlertInstance> {
    const kept = this.retained;
    this.retained = undefined;
    if (!kept || this.now() - kept.at > PENDING_OUTAGE_TOLERANCE_MS) return firing;
    for (const a of kept.pending) if (!firing.has(a.fingerprint)) firing.set(a.fingerprint, a);
    if (kept.pending.length > 0) log.info({ pending: kept.pending.length }, "continuing pending alerts of the last term");
    return firing;
  }

  /**
   * Gives up on the evaluation in progress (it overran its deadline): if it ever resumes it writes
   * nothing, and the next evaluation starts from core's state. Returns the step it was stuck in.
   */
  abandon(): string {
    this.epoch++;
    this.alerts = undefined;
    this.totals = undefined;
    evaluations.inc({ outcome: "abandoned" });
    return this.step;
  }

  async evaluate(): Promise<EvaluationOutcome | undefined> {
    if (!this.opts.isLeader()) {
      evaluations.inc({ outcome: "follower" });
      return undefined;
    }
    const epoch = this.epoch;
    try {
      const outcome = await this.evaluateAsLeader(epoch);
      if (outcome && epoch === this.epoch) {
        evaluations.inc({ outcome: "evaluated" });
        lastEvaluation.set(outcome.at / 1000);
      }
      return outcome;
    } catch (err) {
      if (epoch === this.epoch) evaluations.inc({ outcome: "failed" });
      throw err;
    } finally {
      if (epoch === this.epoch) this.step = "idle";
    }
  }

  private async evaluateAsLeader(epoch: number): Promise<EvaluationOutcome | undefined> {
    const current = () => epoch === this.epoch;
    this.step = "loading firing alerts from core";
    const firingNow = this.alerts ?? this.continuePending(await loadFiringAlerts());
    if (!current()) return undefined;
    this.alerts = firingNow;
    this.step = "gathering samples (scrapes, queues, probes)";
    const samples = await this.opts.signals();
    if (!current()) return undefined;
    const at = this.now();
    const { totals, increase } = sliIncrease(this.totals, samples);
    this.totals = totals;
    this.step = "recording SLI minutes";
    await recordSliIncrease(at, increase);
    this.step = "reading SLI windows";
    const windows = await readSliWindows(at);
    if (!current()) return undefined;
    const result = evaluateRules(
      this.opts.rules,
      { now: at, samples, sli: (j, ms) => windows.get(j)?.get(ms) ?? { good: 0, total: 0 } },
      this.alerts,
    );
    const firing = [...result.alerts.values()].filter((a) => a.state === "firing");
    this.step = "reading silences";
    const silences = await activeSilences(at);
    const routed = routeTransitions({
      transitions: result.transitions,
      silences,
      firing: firing.map((a) => a.labels),
      now: at,
    });
    // Lost the lease while working (the next leader evaluates), or abandoned past the deadline:
    // writing now could race the evaluation that replaced this one.
    if (!this.opts.isLeader() || !current()) return undefined;
    this.step = "recording the evaluation in core";
    await recordEvaluation({ ...routed, transitions: result.transitions, webhook: this.opts.webhook !== undefined });
    this.alerts = result.alerts;
    firingGauge.reset();
    for (const a of firing) firingGauge.inc({ alertname: a.labels.alertname ?? "", severity: a.labels.severity ?? "" });
    for (const n of routed.notifications) notificationsSent.inc({ status: n.status });
    for (const t of result.transitions)
      log.info({ alert: t.alert.labels, value: t.alert.value, kind: t.kind }, `alert ${t.kind}`);
    this.step = "delivering webhooks";
    if (this.opts.webhook) await deliverPendingWebhooks(this.opts.webhook);
    if (at - this.prunedAt > PRUNE_EVERY_MS) {
      this.step = "pruning SLI minutes";
      await pruneSliMinutes(at);
      this.prunedAt = at;
    }
    return { at, firing: firing.length, pending: result.alerts.size - firing.length, notifications: routed.notifications };
  }
}
