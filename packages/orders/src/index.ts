/**
 * @agora/orders — the order aggregate shared by the API edge (placement) and the saga worker
 * (steps): events and their fold, the event store, idempotent placement, the saga queue contract,
 * the shipping table and the payment breaker's published state. See ../README.md.
 */
export * from "./events.ts";
export {
  loadOrder,
  appendEvents,
  ConcurrencyConflictError,
  OrderNotFoundError,
  CORE_TX_OPTIONS,
  type CoreTx,
} from "./order-store.ts";
export {
  ORDER_TOPIC,
  eventDetail,
  orderOutboxPayload,
  orderVendorIds,
  type OrderOutboxPayload,
} from "./order-outbox.ts";
export {
  placeOrder,
  startCheckout,
  findPlacedOrder,
  placeOrderSchema,
  paymentMethodIdSchema,
  shippingAddressSchema,
  IdempotencyKeyReusedError,
  ProductUnavailableError,
  type PlaceOrderInput,
  type PlacedOrder,
} from "./place-order.ts";
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
export {
  SHIPPING_OPTIONS,
  DEFAULT_SHIPPING_OPTION,
  shippingOption,
  type ShippingOption,
} from "./shipping-options.ts";
export {
  PAYMENTS_BREAKER_KEY,
  OPEN_STATE_TTL_MS,
  breakerRecordSchema,
  publishBreakerState,
  paymentsBreakerOpen,
  type BreakerRecord,
  type BreakerStateRedis,
} from "./payments-breaker.ts";
