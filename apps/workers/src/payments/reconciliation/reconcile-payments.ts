/**
 * Capture reconciliation: Agora's books (the order's events, the `payments` row) against every
 * provider's records of the same window. Each difference is classified, repaired where the repair
 * is safe and idempotent (a provider key per repair), and reported:
 *
 * - `orphan_authorization`: the provider holds funds no live order uses (order failed, cancelled,
 *   unknown, or using another payment) → void.
 * - `capture_not_recorded`: the provider captured the order's own payment but the order never
 *   recorded it (the capture step died after the provider call) → re-run the capture step, which
 *   replays the provider's capture and commits the ledger.
 * - `capture_without_order`: money captured for an order that failed or uses another payment (a
 *   double charge) → refund it.
 * - `ledger_capture_not_at_provider` / `amount_mismatch`: our books say captured and the provider
 *   disagrees → report only; no automatic repair moves money on a guess.
 *
 * Records younger than `graceMs` belong to sagas still at work and are left alone.
 */
import { core } from "@agora/db";
import { loadOrder, TERMINAL_STATUSES, type OrderState, type SagaEnqueue } from "@agora/orders";
import { counter, createLogger, gauge } from "@agora/telemetry";
import type {
  ProviderAdapter,
  ProviderName,
  ProviderRecord,
} from "../providers/provider-adapter.ts";
import { qualifyPaymentId } from "../routing/routed-gateway.ts";
import { providerName } from "../routing/route-store.ts";

/** The payments queue's job name for a reconciliation run. */
export const RECONCILE_PAYMENTS_JOB = "reconcile-payments";

export type DifferenceKind =
  | "orphan_authorization"
  | "capture_not_recorded"
  | "capture_without_order"
  | "ledger_capture_not_at_provider"
  | "amount_mismatch";

export type RepairAction =
  "voided" | "refunded" | "capture_requeued" | "reported" | "repair_failed";

export interface Difference {
  kind: DifferenceKind;
  provider: ProviderName;
  orderId: string;
  /** As Agora stores it (`payswift:psw_ch_…`, or a bare card id). */
  paymentId: string;
  action: RepairAction;
  detail: string;
}

export interface ReconciliationReport {
  startedAt: string;
  finishedAt: string;
  since: string;
  providers: { name: ProviderName; records: number; reachable: boolean; error: string | null }[];
  /** Provider records whose books agree with Agora's (or that are too young to judge). */
  matched: number;
  differences: Difference[];
}

export interface ReconcileOptions {
  providers: readonly ProviderAdapter[];
  /** How far back to compare. */
  windowMs: number;
  /** Younger records belong to sagas still at work. */
  graceMs: number;
  /** Re-runs a saga step (the capture step, for `capture_not_recorded`). */
  enqueue: SagaEnqueue;
  /** Report without repairing. */
  dryRun?: boolean;
  now?: () => Date;
}

const differencesTotal = counter({
  name: "payments_reconciliation_differences_total",
  help: "Differences between Agora's books and the providers', by kind and what was done",
  labelNames: ["provider", "kind", "action"] as const,
});
const runsTotal = counter({
  name: "payments_reconciliation_runs_total",
  help: "Reconciliation runs, by outcome (complete: every provider answered; partial)",
  labelNames: ["outcome"] as const,
});
const lastRun = gauge({
  name: "payments_reconciliation_last_run_timestamp_seconds",
  help: "When the last reconciliation finished (unix seconds)",
});
const lastDifferences = gauge({
  name: "payments_reconciliation_last_differences",
  help: "Differences found by the last reconciliation",
});

const log = createLogger({ service: "workers-payments" });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The order's saga is over for good: nothing will capture or void for it any more. */
const GAVE_UP = new Set(["FAILED", "CANCELLED"]);

/** A repair's provider key: stable, so a repeated run repairs once. */
const repairKey = (r: ProviderRecord, what: "void" | "refund") =>
  `${r.orderId}:reconcile-${what}:${r.id}`;

async function orderOf(
  orderId: string,
  cache: Map<string, OrderState | null>,
): Promise<OrderState | null> {
  if (!UUID.test(orderId)) return null;
  if (!cache.has(orderId)) cache.set(orderId, await loadOrder(orderId));
  return cache.get(orderId) ?? null;
}

/** What the record means against the order; null when the books agree (or it is too early). */
export function classify(
  record: ProviderRecord,
  paymentId: string,
  order: OrderState | null,
): { kind: DifferenceKind; detail: string } | null {
  const ours = order?.paymentId === paymentId;
  const terminal = order !== null && TERMINAL_STATUSES.includes(order.status);
  const gaveUp = order !== null && GAVE_UP.has(order.status) && !order.captured;
  // Another payment is the order's, or the order is over without this one.
  const notUsed = order === null || (!ours && (order.paymentId !== null || terminal));
  if (record.status === "authorized") {
    if (notUsed || (ours && gaveUp))
      return {
        kind: "orphan_authorization",
        detail: order
          ? `order is ${order.status} with payment ${order.paymentId ?? "none"}`
          : "no such order",
      };
    if (ours && order.captured)
      return {
        kind: "ledger_capture_not_at_provider",
        detail: "order captured, provider still authorized",
      };
    return null;
  }
  if (record.capturedCents > 0 && record.status !== "refunded") {
    if (notUsed || (ours && gaveUp))
      return {
        kind: "capture_without_order",
        detail: order
          ? `order is ${order.status} with payment ${order.paymentId ?? "none"}`
          : "no such order",
      };
    if (ours && !order.captured && order.status === "CONFIRMED")
      return { kind: "capture_not_recorded", detail: "captured at the provider, not in the order" };
    if (ours && order.captured && record.capturedCents !== order.placed.totalCents)
      return {
        kind: "amount_mismatch",
        detail: `provider captured ${record.capturedCents}, order total ${order.placed.totalCents}`,
      };
  }
  return null;
}

export async function reconcilePayments(opts: ReconcileOptions): Promise<ReconciliationReport> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const since = new Date(startedAt.getTime() - opts.windowMs);
  const youngerThan = startedAt.getTime() - opts.graceMs;
  const orders = new Map<string, OrderState | null>();
  const report: ReconciliationReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: "",
    since: since.toISOString(),
    providers: [],
    matched: 0,
    differences: [],
  };
  const seen = new Map<ProviderName, Set<string>>();

  for (const provider of opts.providers) {
    let records: ProviderRecord[];
    try {
      records = await provider.listSince(since);
    } catch (err) {
      // One provider down must not stop the other's reconciliation; the next run covers it.
      report.providers.push({
        name: provider.name,
        records: 0,
        reachable: false,
        error: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    report.providers.push({
      name: provider.name,
      records: records.length,
      reachable: true,
      error: null,
    });
    const ids = new Set<string>();
    seen.set(provider.name, ids);
    for (const r of records) {
      const paymentId = qualifyPaymentId(provider.name, r.id);
      ids.add(paymentId);
      if (r.createdAt.getTime() > youngerThan) {
        report.matched += 1;
        continue;
      }
      const found = classify(r, paymentId, await orderOf(r.orderId, orders));
      if (!found) {
        report.matched += 1;
        continue;
      }
      const action = opts.dryRun ? "reported" : await repair(provider, r, found.kind, opts);
      report.differences.push({
        ...found,
        provider: provider.name,
        orderId: r.orderId,
        paymentId,
        action,
      });
    }
  }

  // Agora's side: captures in our books that a reachable provider does not show at all.
  const captured = await core().primary.payment.findMany({
    where: { status: "captured", createdAt: { gte: since, lte: new Date(youngerThan) } },
    select: { orderId: true, provider: true, providerRef: true },
  });
  for (const row of captured) {
    const name = providerName(row.provider);
    const ids = seen.get(name);
    if (!ids || !row.providerRef || ids.has(row.providerRef)) continue;
    report.differences.push({
      kind: "ledger_capture_not_at_provider",
      provider: name,
      orderId: row.orderId,
      paymentId: row.providerRef,
      action: "reported",
      detail: "the provider has no record of this payment",
    });
  }

  for (const d of report.differences)
    differencesTotal.inc({ provider: d.provider, kind: d.kind, action: d.action });
  runsTotal.inc({ outcome: report.providers.every((p) => p.reachable) ? "complete" : "partial" });
  report.finishedAt = now().toISOString();
  lastRun.set(Date.parse(report.finishedAt) / 1000);
  lastDifferences.set(report.differences.length);
  return report;
}

async function repair(
  provider: ProviderAdapter,
  r: ProviderRecord,
  kind: DifferenceKind,
  opts: ReconcileOptions,
): Promise<RepairAction> {
  try {
    switch (kind) {
      case "orphan_authorization":
        await provider.void(r.id, repairKey(r, "void"));
        return "voided";
      case "capture_without_order":
        await provider.refund(
          r.id,
          repairKey(r, "refund"),
          "reconciliation: no order uses this capture",
        );
        return "refunded";
      case "capture_not_recorded":
        await opts.enqueue(r.orderId, "capture-payment", { recovery: true });
        return "capture_requeued";
      default:
        return "reported";
    }
  } catch (err) {
    // Reported as such; the next run finds the same difference and tries again.
    log.warn(
      {
        provider: provider.name,
        paymentId: r.id,
        kind,
        err: err instanceof Error ? err.message : String(err),
      },
      "reconciliation repair failed",
    );
    return "repair_failed";
  }
}
