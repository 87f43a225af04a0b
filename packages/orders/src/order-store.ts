/**
 * Durable saga state in the core DB: load an order by folding its `order_events`, append new
 * events with optimistic concurrency on the per-aggregate version, and keep the `orders`
 * projection and the core outbox (one `order` row per event) in the same transaction.
 */
import { core, type CoreDb } from "@agora/db";
import { traceHeaders } from "@agora/telemetry";
import { apply, type OrderEvent, type OrderState } from "./events.ts";
import { ORDER_TOPIC, orderOutboxPayload } from "./order-outbox.ts";

export type CoreTx = Parameters<Parameters<CoreDb["$transaction"]>[0]>[0];

// Checkout bursts queue for pooled connections; Prisma's 2 s default would fail healthy steps.
export const CORE_TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

/** Another writer appended to this order first; the caller's step is stale and must not apply. */
export class ConcurrencyConflictError extends Error {
  readonly code = "ORDER_VERSION_CONFLICT";
  readonly retryable = false;
  constructor(orderId: string, expectedVersion: number) {
    super(`order ${orderId} moved past version ${expectedVersion}`);
    this.name = "ConcurrencyConflictError";
  }
}

export class OrderNotFoundError extends Error {
  readonly code = "ORDER_NOT_FOUND";
  readonly retryable = false;
  constructor(orderId: string) {
    super(`order ${orderId} has no events`);
    this.name = "OrderNotFoundError";
  }
}

type EventReader = Pick<CoreTx, "orderEvent">;

export async function loadOrder(
  orderId: string,
  db: EventReader = core().primary,
): Promise<OrderState | null> {
  const rows = await db.orderEvent.findMany({ where: { orderId }, orderBy: { version: "asc" } });
  let state: OrderState | null = null;
  // Stored rows were written from the OrderEvent union by appendEvents only.
  for (const r of rows)
    state = apply(state, orderId, r.version, { type: r.type, payload: r.payload } as OrderEvent);
  return state;
}

/**
 * Appends `events` after `state.version`. The projection row is updated first with
 * `WHERE version = expected`: its row lock serialises two writers and the loser sees 0 rows
 * (READ COMMITTED re-checks the predicate after the wait). The UNIQUE (order_id, version) on
 * order_events is the backstop.
 */
export async function appendEvents(
  tx: CoreTx,
  state: OrderState,
  events: OrderEvent[],
  metadata: Record<string, string> = {},
): Promise<OrderState> {
  const { next, outbox } = plan(state, events);
  const updated = await tx.order.updateMany({
    where: { id: state.id, version: state.version },
    data: { status: next.status, version: next.version },
  });
  if (updated.count !== 1) throw new ConcurrencyConflictError(state.id, state.version);
  await writeEvents(tx, state, events, outbox, metadata);
  return next;
}

/** The new order's row as placement writes it (status and version come from its first events). */
export interface NewOrder {
  id: string;
  userId: string;
  totalCents: number;
  currency: string;
  items: object[];
}

/**
 * A new order: its projection row inserted at the state its first events lead to, then the events
 * and their outbox rows. No version to compare against yet (the caller's idempotency key already
 * serialises placements), so the row is written once instead of inserted and then moved.
 */
export async function createOrder(
  tx: CoreTx,
  order: NewOrder,
  events: OrderEvent[],
): Promise<OrderState> {
  // A placeholder at version 0: folding OrderPlaced replaces every field of it.
  const empty: OrderState = {
    id: order.id,
    version: 0,
    status: "PENDING",
    placed: null as never,
    paymentId: null,
    captured: false,
    confirmed: false,
    failure: null,
    ledgerTransactionId: null,
    parcels: {},
  };
  const { next, outbox } = plan(empty, events);
  await tx.order.create({
    data: {
      id: order.id,
      userId: order.userId,
      status: next.status,
      totalCents: order.totalCents,
      currency: order.currency,
      items: order.items as never,
      version: next.version,
    },
  });
  await writeEvents(tx, empty, events, outbox, {});
  return next;
}

type OutboxEntry = { payload: ReturnType<typeof orderOutboxPayload>; type: string };

/** The state after `events` and the outbox row each one publishes (with the state it led to). */
function plan(state: OrderState, events: OrderEvent[]): { next: OrderState; outbox: OutboxEntry[] } {
  let next = state;
  const at = new Date();
  const outbox: OutboxEntry[] = [];
  for (const [i, e] of events.entries()) {
    next = apply(next, state.id, state.version + i + 1, e);
    outbox.push({ payload: orderOutboxPayload(next, e, at), type: e.type });
  }
  return { next, outbox };
}

/** The events after `state.version` and their outbox rows, in the caller's transaction. */
async function writeEvents(
  tx: CoreTx,
  state: OrderState,
  events: OrderEvent[],
  outbox: OutboxEntry[],
  metadata: Record<string, string>,
): Promise<void> {
  await tx.orderEvent.createMany({
    data: events.map((e, i) => ({
      orderId: state.id,
      version: state.version + i + 1,
      type: e.type,
      // Event payloads are plain JSON; their interfaces just lack the index signature Prisma's
      // InputJsonValue asks for.
      payload: e.payload as never,
      metadata,
    })),
  });
  // Same transaction as the events: subscribers hear of exactly the events that committed.
  await tx.outbox.createMany({
    data: outbox.map((o) => ({
      aggregateType: ORDER_TOPIC,
      aggregateId: state.id,
      eventType: o.type,
      payload: o.payload as never,
      // The relay's consumers continue this trace (checkout.place → projections, notifications).
      headers: traceHeaders(),
    })),
  });
}
