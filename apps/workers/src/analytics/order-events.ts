/**
 * Order events as the analytics side reads them (raw rows of `order_events`, types as strings),
 * and the step both the stream and the batch use to count one event exactly once: a marker row in
 * `analytics_applied_events` and the rollup change, in the caller's transaction.
 */
import type { RawTx } from "../outbox/fencing.ts";
import { addToRollups } from "./rollup-store.ts";
import { eventDeltas, type RollupDelta, type StoredOrderEvent } from "./sale-effects.ts";

export type AppliedBy = "stream" | "batch";

interface EventRow {
  order_id: string;
  version: number;
  type: string;
  payload: unknown;
  created_at: Date;
}

/** The full event streams of `orderIds`, per order, in version order. */
export async function loadOrderStreams(
  tx: RawTx,
  orderIds: readonly string[],
): Promise<Map<string, StoredOrderEvent[]>> {
  const out = new Map<string, StoredOrderEvent[]>();
  if (orderIds.length === 0) return out;
  const rows = await tx.$queryRawUnsafe<EventRow[]>(
    `SELECT order_id::text, version, type, payload, created_at FROM order_events
      WHERE order_id = ANY(SELECT jsonb_array_elements_text($1::jsonb)::uuid)
      ORDER BY order_id, version`,
    JSON.stringify(orderIds),
  );
  for (const r of rows) {
    const list = out.get(r.order_id) ?? [];
    list.push({
      version: r.version,
      type: r.type,
      payload: r.payload,
      createdAt: new Date(r.created_at),
    });
    out.set(r.order_id, list);
  }
  return out;
}

/** Marks events as counted; returns the ones that were not counted before. */
export async function markApplied(
  tx: RawTx,
  events: readonly { orderId: string; version: number }[],
  by: AppliedBy,
): Promise<{ orderId: string; version: number }[]> {
  if (events.length === 0) return [];
  return tx.$queryRawUnsafe<{ orderId: string; version: number }[]>(
    `INSERT INTO analytics_applied_events (order_id, version, applied_by)
     SELECT (e->>'orderId')::uuid, (e->>'version')::int, $2 FROM jsonb_array_elements($1::jsonb) e
     ON CONFLICT DO NOTHING
     RETURNING order_id::text AS "orderId", version`,
    JSON.stringify(events),
    by,
  );
}

/**
 * Counts the events (each a `version` of an `orderId`) the stream or a batch repair has not counted
 * yet, all rollup rows in one upsert per granularity. Returns the deltas applied (empty when every
 * event was a duplicate or moves no money).
 */
export async function applyOrderEvents(
  tx: RawTx,
  events: readonly { orderId: string; version: number }[],
): Promise<RollupDelta[]> {
  // One order for every writer: two transactions with an event in common cannot deadlock.
  const sorted = [...events].sort((a, b) =>
    a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.version - b.version,
  );
  const fresh = await markApplied(tx, sorted, "stream");
  if (fresh.length === 0) return [];
  const streams = await loadOrderStreams(tx, [...new Set(fresh.map((e) => e.orderId))]);
  const deltas = fresh.flatMap((e) => eventDeltas(streams.get(e.orderId) ?? [], e.version));
  await addToRollups(tx, deltas);
  return deltas;
}
