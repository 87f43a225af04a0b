/**
 * The soak's checker: the invariants of ARCHITECTURE §7 judged against the recorded history and the
 * final state read from the databases and the payment simulator. Pure (no I/O), so synthetic
 * histories prove that each check can fail. Database-side invariants (balanced ledger, payouts
 * atomic, stock rows in bounds, no double capture in the payments table, no stuck order) come from
 * `@agora/api`'s `checkInvariants` and are passed in as `database`.
 */
import { completions, type HistoryEvent } from "./history.ts";

/** Order statuses after the capture: the units are sold and the order was charged once. */
export const PAID_STATUSES = new Set(["CAPTURED", "READY_FOR_FULFILMENT", "FULFILLING", "SHIPPED", "DELIVERED"]);
export const TERMINAL = new Set(["READY_FOR_FULFILMENT", "FULFILLING", "SHIPPED", "DELIVERED", "FAILED", "CANCELLED"]);

export interface SkuFinal {
  sku: string;
  /** on-hand before the soak's first round. */
  initialOnHand: number;
  onHand: number;
  reserved: number;
  /** Units of this SKU in paid orders (every order the database holds, acknowledged or not). */
  soldUnits: number;
}

export interface FinalState {
  skus: SkuFinal[];
  /** Every order id the history knows, with its status now; absent = not in the database. */
  orders: Map<string, { status: string; version: number }>;
  /** Notes of the stock movements the shard holds for the soak's adjustments. */
  movementNotes: Set<string>;
  /** Captures per order id, counted at the payment simulator. */
  captures: Map<string, number>;
  /** The soak vendor's payouts in core now, by id, with their 2PC state. */
  payouts: Map<string, string>;
  database: { name: string; ok: boolean; detail: string }[];
}

export interface Violation {
  check: string;
  detail: string;
  /** History indexes that show it (printed with their neighbourhood). */
  events: number[];
}

export const CHECKS = [
  "no oversell",
  "acknowledged orders present",
  "sagas terminal",
  "acknowledged stock changes present",
  "one capture per paid order",
  "read-your-writes",
  "monotonic order reads",
  "committed payouts durable",
  "database invariants",
] as const;

interface Op {
  invoke: HistoryEvent;
  done: HistoryEvent | undefined;
}

function operations(events: readonly HistoryEvent[]): Op[] {
  const done = completions(events);
  return events
    .filter((e) => e.type === "invoke")
    .map((invoke) => ({ invoke, done: done.get(invoke.op) }));
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);

function noOversell(ops: Op[], s: FinalState): Violation[] {
  const out: Violation[] = [];
  for (const sku of s.skus) {
    // Every adjustment the shard recorded counts, acknowledged or indeterminate.
    const applied = ops.filter(
      (o) => o.invoke.f === "stock-adjust" && str(o.invoke.value.sku) === sku.sku &&
        s.movementNotes.has(str(o.invoke.value.note)),
    );
    const stocked = sku.initialOnHand + applied.reduce((n, o) => n + num(o.invoke.value.delta), 0);
    const paidAcks = ops.filter(
      (o) => o.invoke.f === "checkout" && str(o.invoke.value.sku) === sku.sku && o.done?.type === "ok" &&
        PAID_STATUSES.has(s.orders.get(str(o.done.value.orderId))?.status ?? ""),
    );
    const sold = Math.max(sku.soldUnits, paidAcks.length);
    const problems: string[] = [];
    if (sold > stocked) problems.push(`${sold} units sold of ${stocked} stocked`);
    if (sku.onHand < 0) problems.push(`on-hand ${sku.onHand} < 0`);
    if (sku.reserved > sku.onHand) problems.push(`reserved ${sku.reserved} > on-hand ${sku.onHand}`);
    if (problems.length)
      out.push({
        check: "no oversell",
        detail: `${sku.sku}: ${problems.join(", ")}`,
        events: [...paidAcks, ...applied].map((o) => (o.done ?? o.invoke).index),
      });
  }
  return out;
}

function ordersPresentAndTerminal(ops: Op[], s: FinalState, final: boolean): Violation[] {
  const out: Violation[] = [];
  for (const o of ops) {
    if (o.invoke.f !== "checkout" || o.done?.type !== "ok") continue;
    const id = str(o.done.value.orderId);
    const now = s.orders.get(id);
    if (!now)
      out.push({ check: "acknowledged orders present", detail: `order ${id} acknowledged but not in the database`, events: [o.done.index] });
    else if (final && !TERMINAL.has(now.status))
      out.push({ check: "sagas terminal", detail: `order ${id} still ${now.status} after the grace period`, events: [o.done.index] });
  }
  return out;
}

function stockChangesPresent(ops: Op[], s: FinalState): Violation[] {
  return ops
    .filter((o) => o.invoke.f === "stock-adjust" && o.done?.type === "ok" && !s.movementNotes.has(str(o.invoke.value.note)))
    .map((o) => ({
      check: "acknowledged stock changes present",
      detail: `adjustment ${str(o.invoke.value.note)} (${num(o.invoke.value.delta)} × ${str(o.invoke.value.sku)}) acknowledged but no stock movement`,
      events: [(o.done as HistoryEvent).index],
    }));
}

function oneCapture(ops: Op[], s: FinalState): Violation[] {
  const out: Violation[] = [];
  const at = new Map<string, number>();
  for (const o of ops)
    if (o.invoke.f === "checkout" && o.done?.type === "ok") at.set(str(o.done.value.orderId), o.done.index);
  for (const [id, n] of s.captures)
    if (n > 1) out.push({ check: "one capture per paid order", detail: `order ${id} captured ${n} times`, events: at.has(id) ? [at.get(id) as number] : [] });
  for (const [id, index] of at) {
    const status = s.orders.get(id)?.status ?? "";
    if (PAID_STATUSES.has(status) && (s.captures.get(id) ?? 0) === 0)
      out.push({ check: "one capture per paid order", detail: `order ${id} is ${status} but the provider captured nothing`, events: [index] });
  }
  return out;
}

/** A process reads its own order after the acknowledgement: it must see it (read-your-writes). */
function readYourWrites(ops: Op[]): Violation[] {
  const placedBy = new Map<string, { process: string; at: number }>();
  for (const o of ops)
    if (o.invoke.f === "checkout" && o.done?.type === "ok")
      placedBy.set(str(o.done.value.orderId), { process: o.invoke.process, at: o.done.index });
  const out: Violation[] = [];
  for (const o of ops) {
    if (o.invoke.f !== "order-read" || o.done?.type !== "ok" || o.done.value.found !== false) continue;
    const placed = placedBy.get(str(o.invoke.value.orderId));
    if (placed && placed.process === o.invoke.process && placed.at < o.invoke.index)
      out.push({
        check: "read-your-writes",
        detail: `${o.invoke.process} did not see its own order ${str(o.invoke.value.orderId)} after placing it`,
        events: [placed.at, o.done.index],
      });
  }
  return out;
}

/** One process's successive reads of an order never go back in its event version. */
function monotonicReads(ops: Op[]): Violation[] {
  const last = new Map<string, HistoryEvent>();
  const out: Violation[] = [];
  for (const o of ops) {
    if (o.invoke.f !== "order-read" || o.done?.type !== "ok" || o.done.value.found !== true) continue;
    const key = `${o.invoke.process}/${str(o.invoke.value.orderId)}`;
    const prev = last.get(key);
    if (prev && num(o.done.value.version) < num(prev.value.version))
      out.push({
        check: "monotonic order reads",
        detail: `${o.invoke.process} read order ${str(o.invoke.value.orderId)} at version ${num(o.done.value.version)} (${str(o.done.value.status)}) after version ${num(prev.value.version)} (${str(prev.value.status)})`,
        events: [prev.index, o.done.index],
      });
    if (!prev || num(o.done.value.version) >= num(prev.value.version)) last.set(key, o.done);
  }
  return out;
}

/**
 * A payout the vendor once saw committed stays committed: in every later read (whoever reads) and in
 * the final state. A failover that lost the decision of a two-phase commit would show here.
 */
function payoutsDurable(ops: Op[], s: FinalState): Violation[] {
  const out: Violation[] = [];
  const committedAt = new Map<string, HistoryEvent>();
  const reads = ops
    .filter((o) => o.invoke.f === "payout-read" && o.done?.type === "ok")
    .sort((a, b) => a.invoke.index - b.invoke.index);
  for (const o of reads) {
    const done = o.done as HistoryEvent;
    const seen = new Map(
      ((done.value.payouts ?? []) as { id: string; state: string }[]).map((p) => [p.id, p.state]),
    );
    for (const [id, first] of committedAt) {
      // Only reads that began after the committed one finished must see it.
      if (o.invoke.index < first.index) continue;
      if (seen.get(id) !== "committed")
        out.push({
          check: "committed payouts durable",
          detail: `payout ${id} was seen committed, then ${seen.has(id) ? `as ${seen.get(id)}` : "not at all"}`,
          events: [first.index, done.index],
        });
    }
    for (const [id, state] of seen) if (state === "committed" && !committedAt.has(id)) committedAt.set(id, done);
  }
  for (const [id, first] of committedAt)
    if (s.payouts.get(id) !== "committed")
      out.push({
        check: "committed payouts durable",
        detail: `payout ${id} was seen committed; in the database now: ${s.payouts.get(id) ?? "absent"}`,
        events: [first.index],
      });
  return out;
}

/**
 * `final`: the sagas had their grace period, so a non-terminal order is a violation (between
 * rounds it may still be on its way).
 */
export function checkHistory(events: readonly HistoryEvent[], state: FinalState, final = true): Violation[] {
  const ops = operations(events);
  return [
    ...noOversell(ops, state),
    ...ordersPresentAndTerminal(ops, state, final),
    ...stockChangesPresent(ops, state),
    ...oneCapture(ops, state),
    ...readYourWrites(ops),
    ...monotonicReads(ops),
    ...payoutsDurable(ops, state),
    ...state.database
      .filter((r) => !r.ok)
      .map((r) => ({ check: "database invariants", detail: `${r.name}: ${r.detail}`, events: [] })),
  ];
}

/** How many operations completed (each is checked), by completion type. */
export function opCounts(events: readonly HistoryEvent[]): Record<"ok" | "fail" | "info", number> {
  const c = { ok: 0, fail: 0, info: 0 };
  for (const e of completions(events).values()) c[e.type as "ok" | "fail" | "info"]++;
  return c;
}
