/**
 * Pure: an order's timeline and failure from its stored events. The status of each entry is the
 * fold up to that event; the detail is the same public subset the outbox publishes.
 */
import { apply, eventDetail, type OrderEvent, type OrderState } from "@agora/orders";
import type { OrderView } from "./orders.schema.ts";

export interface StoredEvent {
  version: number;
  type: string;
  payload: unknown;
  createdAt: Date;
}

/** The timeline, the failure, and the folded state (null without events). */
export function timelineOf(
  orderId: string,
  rows: StoredEvent[],
): Pick<OrderView, "timeline" | "failure"> & { state: OrderState | null } {
  let state: OrderState | null = null;
  const timeline: OrderView["timeline"] = [];
  let failure: OrderView["failure"] = null;
  for (const r of rows) {
    // Rows were written from the OrderEvent union by appendEvents only.
    const e = { type: r.type, payload: r.payload } as OrderEvent;
    state = apply(state, orderId, r.version, e);
    timeline.push({
      version: r.version,
      type: e.type,
      status: state.status,
      at: r.createdAt,
      detail: eventDetail(e),
    });
    if (e.type === "CompensationStarted")
      failure = { reason: e.payload.reason, detail: e.payload.detail, compensations: [] };
    if (e.type === "OrderFailed" || e.type === "OrderCancelled")
      failure = {
        reason: e.payload.reason,
        detail: e.payload.detail,
        compensations: [...e.payload.compensations],
      };
  }
  return { timeline, failure, state };
}
