/**
 * `vendor.orders.accept | pack | ship | cancel | refund`: a vendor's decisions on its own parcel
 * of an order. Each one is an event on the order aggregate (optimistic concurrency: a stale
 * `expectedVersion` is a CONFLICT), guarded by the fold (`FulfilmentGuardError` → PRECONDITION_FAILED).
 *
 * - ship asks the carrier first (breaker, idempotency key per parcel) and records ShipmentCreated
 *   only with the tracking number in hand: a carrier outage is SERVICE_UNAVAILABLE with nothing
 *   recorded, and a retry gets the same shipment back, never a second one.
 * - cancel / refund only record the request and hand it to the payments pool (a saga: provider
 *   refund + ledger, then restock on the shard for a cancel). They are audited.
 */
import {
  ERASED_ADDRESS,
  openShippingAddress,
  changeOrder,
  ConcurrencyConflictError,
  FulfilmentGuardError,
  loadOrder,
  OrderNotFoundError,
  refundableCents,
  type OrderEvent,
  type OrderState,
  type VendorParcel,
} from "@agora/orders";
import { CircuitOpenError, TimeoutError } from "@agora/resilience";
import { TRPCError } from "@trpc/server";
import { recordAudit, type AuditActor } from "../audit-log.ts";
import {
  carrier,
  CarrierRejectedError,
  CarrierUnavailableError,
  type CarrierClient,
} from "./carrier-client.ts";
import type {
  CancelVendorOrderInput,
  FulfilActionInput,
  RefundVendorOrderInput,
} from "./orders.schema.ts";
import { enqueueVendorRefund } from "./refund-producer.ts";

export interface VendorActionResult {
  orderId: string;
  version: number;
  orderStatus: string;
  parcelStatus: string;
  trackingNumber: string | null;
}

/** The domain's refusals as tRPC errors; anything else stays a 500 (a bug). */
export function toVendorOrderError(err: unknown): unknown {
  if (err instanceof TRPCError) return err;
  if (err instanceof FulfilmentGuardError)
    return new TRPCError({ code: "PRECONDITION_FAILED", message: err.message, cause: err });
  if (err instanceof ConcurrencyConflictError)
    return new TRPCError({
      code: "CONFLICT",
      message: "The order changed since you loaded it. Reload it and try again.",
      cause: err,
    });
  if (err instanceof OrderNotFoundError) return notFound();
  if (err instanceof CarrierRejectedError)
    return new TRPCError({ code: "BAD_REQUEST", message: err.message, cause: err });
  if (
    err instanceof CarrierUnavailableError ||
    err instanceof CircuitOpenError ||
    err instanceof TimeoutError
  )
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The carrier is not answering; nothing was shipped. Try again in a moment.",
      cause: err,
    });
  return err;
}

function notFound(): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: "No such order for this shop." });
}

/** The vendor's parcel, or NOT_FOUND: another tenant's order looks exactly like a missing one. */
export function ownParcel(state: OrderState | null, vendorId: string): VendorParcel {
  const parcel = state?.captured ? state.parcels[vendorId] : undefined;
  if (!parcel) throw notFound();
  return parcel;
}

function result(state: OrderState, vendorId: string): VendorActionResult {
  const parcel = ownParcel(state, vendorId);
  return {
    orderId: state.id,
    version: state.version,
    orderStatus: state.status,
    parcelStatus: parcel.status,
    trackingNumber: parcel.trackingNumber,
  };
}

async function decideFor(
  actor: AuditActor,
  input: FulfilActionInput,
  decide: (parcel: VendorParcel, state: OrderState) => OrderEvent[],
): Promise<VendorActionResult> {
  try {
    const { state } = await changeOrder(
      input.orderId,
      (s) => decide(ownParcel(s, actor.vendorId), s),
      input.expectedVersion === undefined ? {} : { expectedVersion: input.expectedVersion },
    );
    return result(state, actor.vendorId);
  } catch (err) {
    throw toVendorOrderError(err);
  }
}

export function acceptVendorOrder(actor: AuditActor, input: FulfilActionInput) {
  return decideFor(actor, input, () => [
    { type: "VendorOrderAccepted", payload: { vendorId: actor.vendorId } },
  ]);
}

export function packVendorOrder(actor: AuditActor, input: FulfilActionInput) {
  return decideFor(actor, input, () => [
    { type: "VendorOrderPacked", payload: { vendorId: actor.vendorId } },
  ]);
}

export async function shipVendorOrder(
  actor: AuditActor,
  input: FulfilActionInput,
  client: CarrierClient = carrier(),
): Promise<VendorActionResult> {
  const { vendorId } = actor;
  try {
    const state = await loadOrder(input.orderId);
    if (!state) throw notFound();
    const parcel = ownParcel(state, vendorId);
    if (input.expectedVersion !== undefined && state.version !== input.expectedVersion)
      throw new ConcurrencyConflictError(state.id, input.expectedVersion);
    if (parcel.status === "SHIPPED" || parcel.status === "DELIVERED")
      return result(state, vendorId);
    if (parcel.status !== "ACCEPTED" && parcel.status !== "PACKED")
      throw new FulfilmentGuardError(
        state.id,
        `cannot ship: parcel of ${vendorId} is ${parcel.status}`,
      );
    const address = await openShippingAddress(state.id, state.placed);
    if (address === ERASED_ADDRESS)
      throw new FulfilmentGuardError(state.id, "the customer deleted their account: no address to ship to");
    if (!address) throw new FulfilmentGuardError(state.id, "the order has no shipping address");
    const shipment = await client.createShipment({ orderId: state.id, vendorId, address });
    // Re-decided on the newest state: the carrier call may have taken a while.
    const { state: after } = await changeOrder(state.id, (s) =>
      ownParcel(s, vendorId).trackingNumber === shipment.trackingNumber
        ? []
        : [
            {
              type: "ShipmentCreated",
              payload: { vendorId, trackingNumber: shipment.trackingNumber },
            },
          ],
    );
    return result(after, vendorId);
  } catch (err) {
    throw toVendorOrderError(err);
  }
}

async function requestRefund(
  actor: AuditActor,
  input: CancelVendorOrderInput & { amountCents?: number },
  cancel: boolean,
): Promise<VendorActionResult> {
  const { vendorId } = actor;
  let amountCents = 0;
  const outcome = await decideFor(actor, input, (parcel) => {
    // The same request submitted again (a retried click): already recorded.
    if (parcel.requestIds.includes(input.requestId)) return [];
    amountCents = cancel ? refundableCents(parcel) : (input.amountCents ?? 0);
    return [
      {
        type: "VendorRefundRequested",
        payload: {
          vendorId,
          requestId: input.requestId,
          amountCents,
          reason: input.reason,
          cancel,
        },
      },
    ];
  });
  // Also for a resubmitted request: the job id collapses duplicates, and a finished request is a no-op.
  await enqueueVendorRefund({ orderId: input.orderId, vendorId, requestId: input.requestId });
  await recordAudit(actor, {
    action: cancel ? "order.cancel" : "order.refund",
    targetType: "order",
    targetId: input.orderId,
    details: { requestId: input.requestId, reason: input.reason, amountCents },
  });
  return outcome;
}

export function cancelVendorOrder(actor: AuditActor, input: CancelVendorOrderInput) {
  return requestRefund(actor, input, true);
}

export function refundVendorOrder(actor: AuditActor, input: RefundVendorOrderInput) {
  return requestRefund(actor, input, false);
}
