/**
 * The refund path, after the saga finished (READY_FOR_FULFILMENT): refund the capture at the
 * provider (idempotency key from the order id), mirror the capture's ledger transaction and
 * cancel the order — all order-side writes in one core transaction. Idempotent: a second call on
 * a refunded order returns it unchanged. Committed stock is not restocked here (returns are a
 * warehouse decision).
 */
import { core } from "@agora/db";
import {
  appendEvents,
  ConcurrencyConflictError,
  CORE_TX_OPTIONS,
  loadOrder,
  OrderNotFoundError,
  type OrderState,
} from "@agora/orders";
import { captureLegs, postLedgerTransaction, reverseLegs } from "./ledger.ts";
import type { PaymentGateway } from "./payment-gateway.ts";
import { paymentKey } from "./checkout-saga.ts";

export class OrderNotRefundableError extends Error {
  readonly code = "ORDER_NOT_REFUNDABLE";
  readonly retryable = false;
  constructor(orderId: string, status: string) {
    super(`order ${orderId} is ${status}; only READY_FOR_FULFILMENT orders can be refunded`);
    this.name = "OrderNotRefundableError";
  }
}

export async function refundOrder(
  orderId: string,
  reason: string,
  deps: { payments: PaymentGateway },
): Promise<OrderState> {
  const state = await loadOrder(orderId);
  if (!state) throw new OrderNotFoundError(orderId);
  if (state.status === "CANCELLED" && state.captured) return state;
  if (state.status !== "READY_FOR_FULFILMENT" || !state.paymentId)
    throw new OrderNotRefundableError(orderId, state.status);
  const paymentId = state.paymentId;
  const refund = await deps.payments.refund(paymentId, paymentKey(orderId, "refund"), reason);
  try {
    return await core().primary.$transaction(async (tx) => {
      const ledgerTransactionId = await postLedgerTransaction(
        tx,
        orderId,
        state.placed.currency,
        reverseLegs(captureLegs(state.placed.items, state.placed.shipping)),
        `refund of order ${orderId}`,
      );
      await tx.payment.updateMany({
        where: { idempotencyKey: paymentKey(orderId, "authorize") },
        data: { status: "refunded" },
      });
      return appendEvents(tx, state, [
        {
          type: "PaymentRefunded",
          payload: {
            paymentId,
            refundId: refund.id,
            amountCents: refund.amountCents,
            ledgerTransactionId,
          },
        },
        {
          type: "OrderCancelled",
          payload: { reason: "refunded", detail: reason, compensations: [] },
        },
      ]);
    }, CORE_TX_OPTIONS);
  } catch (err) {
    // A concurrent refund of the same order won; the provider call above was the same keyed request.
    if (!(err instanceof ConcurrencyConflictError)) throw err;
    const now = await loadOrder(orderId);
    if (!now) throw new OrderNotFoundError(orderId);
    return now;
  }
}
