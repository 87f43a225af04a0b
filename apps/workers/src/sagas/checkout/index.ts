export * from "./events.ts";
export { runSagaStep, paymentKey, type SagaDeps, type StepResult } from "./checkout-saga.ts";
export {
  placeOrder,
  startCheckout,
  placeOrderSchema,
  IdempotencyKeyReusedError,
  ProductUnavailableError,
  type PlaceOrderInput,
  type PlacedOrder,
} from "./place-order.ts";
export {
  loadOrder,
  appendEvents,
  ConcurrencyConflictError,
  OrderNotFoundError,
} from "./order-store.ts";
export { recoverStalledSagas, type RecoveryOptions } from "./recovery.ts";
export { refundOrder, OrderNotRefundableError } from "./refund-order.ts";
export {
  createPaymentGateway,
  PaymentDeclinedError,
  PaymentProviderError,
  PaymentRejectedError,
  type PaymentGateway,
  type PaymentGatewayOptions,
  type ProviderPayment,
} from "./payment-gateway.ts";
export { captureLegs, PLATFORM_FEE_BPS } from "./ledger.ts";
export {
  SAGAS_QUEUE,
  RECOVER_JOB,
  STEP_JOB_OPTIONS,
  createSagaQueue,
  queueEnqueuer,
  sagaJobSchema,
  type SagaEnqueue,
  type SagaJob,
} from "./saga-queue.ts";
export { createSagaProcessor } from "./saga-processor.ts";
