/**
 * The compensation saga of a vendor's refund or cancellation, run by the payments pool. The
 * request is an event on the order (VendorRefundRequested); each sub-step below is idempotent and
 * recorded on the order before the next one starts, so a job that dies anywhere is simply run
 * again (by BullMQ's retry or the recovery sweep) and carries on where the last one stopped:
 *
 *   1. provider refund of the amount (Idempotency-Key per request)  ─┐ one core transaction:
 *      ledger legs reversing that part of the vendor's share         ─┘ + VendorRefunded
 *   2. cancel only: restock the committed units on the vendor shard (+ StockChanged)
 *   3. cancel only: VendorOrderCancelled (+ OrderCancelled when it was the last live parcel)
 *
 * A definitive provider refusal ends the request with VendorRefundFailed; an outage retries.
 */
import {
  changeOrder,
  loadOrder,
  OrderNotFoundError,
  type OrderState,
  type PendingRefund,
} from "@agora/orders";
import { postLedgerTransaction, vendorRefundLegs } from "../sagas/checkout/ledger.ts";
import { PaymentRejectedError, type PaymentGateway } from "../sagas/checkout/payment-gateway.ts";
import { restockOrder } from "../stock/restock.ts";

export interface VendorRefundResult {
  orderId: string;
  vendorId: string;
  outcome: "refunded" | "cancelled" | "failed" | "nothing-pending";
}

/** Provider idempotency key of one refund request. */
export const vendorRefundKey = (orderId: string, vendorId: string, requestId: string) =>
  `${orderId}:refund:${vendorId}:${requestId}`;

async function refundAtProvider(
  state: OrderState,
  vendorId: string,
  pending: PendingRefund,
  payments: PaymentGateway,
): Promise<"refunded" | "failed"> {
  const paymentId = state.paymentId;
  if (!paymentId) throw new Error(`order ${state.id} has no captured payment to refund`);
  let refund: { id: string; amountCents: number };
  try {
    refund = await payments.refund(
      paymentId,
      vendorRefundKey(state.id, vendorId, pending.requestId),
      pending.reason,
      pending.amountCents,
    );
  } catch (err) {
    if (!(err instanceof PaymentRejectedError) || err.retryable) throw err;
    await changeOrder(state.id, (s) =>
      s.parcels[vendorId]?.pendingRefund?.requestId === pending.requestId
        ? [{ type: "VendorRefundFailed", payload: { vendorId, reason: err.code } }]
        : [],
    );
    return "failed";
  }
  await changeOrder(state.id, async (s, tx) => {
    const p = s.parcels[vendorId];
    // Another run of this job recorded it first: nothing to add.
    if (p?.pendingRefund?.requestId !== pending.requestId || p.pendingRefund.refundId) return [];
    const ledgerTransactionId = await postLedgerTransaction(
      tx,
      s.id,
      s.placed.currency,
      vendorRefundLegs(
        s.placed.items,
        s.placed.shipping,
        vendorId,
        p.refundedCents,
        refund.amountCents,
      ),
      `refund of vendor ${vendorId} on order ${s.id}: ${pending.reason}`,
    );
    return [
      {
        type: "VendorRefunded",
        payload: {
          vendorId,
          refundId: refund.id,
          amountCents: refund.amountCents,
          ledgerTransactionId,
          reason: pending.reason,
        },
      },
    ];
  });
  return "refunded";
}

export async function runVendorRefund(
  orderId: string,
  vendorId: string,
  deps: { payments: PaymentGateway },
): Promise<VendorRefundResult> {
  const state = await loadOrder(orderId);
  if (!state) throw new OrderNotFoundError(orderId);
  const pending = state.parcels[vendorId]?.pendingRefund;
  if (!pending) return { orderId, vendorId, outcome: "nothing-pending" };
  if (pending.amountCents > 0 && !pending.refundId) {
    const r = await refundAtProvider(state, vendorId, pending, deps.payments);
    if (r === "failed" || !pending.cancel) return { orderId, vendorId, outcome: r };
  }
  const restock = await restockOrder(orderId, vendorId);
  await changeOrder(orderId, (s) => {
    const p = s.parcels[vendorId];
    if (p?.pendingRefund?.requestId !== pending.requestId) return [];
    return [
      {
        type: "VendorOrderCancelled",
        payload: {
          vendorId,
          reason: pending.reason,
          refundedCents: p.refundedCents,
          restocked: restock.allocations.length > 0,
        },
      },
    ];
  });
  return { orderId, vendorId, outcome: "cancelled" };
}
