/**
 * One decision on the order aggregate outside the checkout saga (vendor actions, carrier
 * updates, refund results): load, decide, append the events plus the order-level follow-ups
 * they imply, all in one core transaction. Optimistic concurrency: with `expectedVersion` a
 * stale caller gets ConcurrencyConflictError; without it the decision is re-made on the newer
 * state (bounded), because it is a pure function of that state.
 */
import { core } from "@agora/db";
import { apply, type OrderEvent, type OrderState } from "./events.ts";
import { fulfilmentFollowUps } from "./fulfilment.ts";
import {
  appendEvents,
  ConcurrencyConflictError,
  CORE_TX_OPTIONS,
  loadOrder,
  OrderNotFoundError,
  type CoreTx,
} from "./order-store.ts";

export interface ChangeOrderOptions {
  /** The version the caller saw; a different current version is a conflict. */
  expectedVersion?: number;
  metadata?: Record<string, string>;
  /** Re-decisions after a concurrent writer won (without expectedVersion). */
  attempts?: number;
}

export interface OrderChange {
  state: OrderState;
  /** Everything appended, follow-ups included; empty when the decision changed nothing. */
  appended: OrderEvent[];
}

/** The events plus the order-level events they imply (SHIPPED, DELIVERED, CANCELLED). */
export function withFollowUps(state: OrderState, events: OrderEvent[]): OrderEvent[] {
  let s = state;
  for (const [i, e] of events.entries()) s = apply(s, state.id, state.version + i + 1, e);
  return [...events, ...fulfilmentFollowUps(s)];
}

/**
 * Runs `decide` inside the core transaction that appends its events, so writes that belong to the
 * decision (a ledger transaction, a webhook's dedupe row) commit with them or not at all.
 */
export type OrderDecision = (state: OrderState, tx: CoreTx) => OrderEvent[] | Promise<OrderEvent[]>;

export async function changeOrder(
  orderId: string,
  decide: OrderDecision,
  opts: ChangeOrderOptions = {},
): Promise<OrderChange> {
  const attempts = opts.expectedVersion === undefined ? (opts.attempts ?? 5) : 1;
  for (let attempt = 1; ; attempt++) {
    const state = await loadOrder(orderId);
    if (!state) throw new OrderNotFoundError(orderId);
    if (opts.expectedVersion !== undefined && state.version !== opts.expectedVersion)
      throw new ConcurrencyConflictError(orderId, opts.expectedVersion);
    try {
      return await core().primary.$transaction(async (tx): Promise<OrderChange> => {
        const decided = await decide(state, tx);
        if (decided.length === 0) return { state, appended: [] };
        const events = withFollowUps(state, decided);
        return { state: await appendEvents(tx, state, events, opts.metadata), appended: events };
      }, CORE_TX_OPTIONS);
    } catch (err) {
      if (!(err instanceof ConcurrencyConflictError) || attempt >= attempts) throw err;
    }
  }
}
