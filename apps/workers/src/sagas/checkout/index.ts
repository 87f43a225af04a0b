/**
 * The checkout saga's worker side: the steps, their payment provider, the ledger postings, the
 * recovery sweep and the refund path. The order aggregate itself (events, store, placement,
 * queue contract) is `@agora/orders`, shared with the API edge.
 */
export {
  CHAINED_IN_PAYMENTS_POOL,
  runSagaStep,
  paymentKey,
  type RunOptions,
  type SagaDeps,
  type StepResult,
} from "./checkout-saga.ts";
export { recoverStalledSagas, type RecoveryOptions, waitingInQueues } from "./recovery.ts";
export { refundOrder, OrderNotRefundableError } from "./refund-order.ts";
export {
  PaymentDeclinedError,
  PaymentNotExecutedError,
  PaymentProviderError,
  PaymentRejectedError,
  type PaymentGateway,
  type ProviderPayment,
} from "./payment-gateway.ts";
export { captureLegs, PLATFORM_FEE_BPS } from "./ledger.ts";
export { createSagaProcessor } from "./saga-processor.ts";
export { publishPaymentsBreaker, paymentsBreakerOpenGauge } from "./breaker-publisher.ts";
