/**
 * @agora/orders — the order aggregate shared by the API edge (placement) and the saga worker
 * (steps): events and their fold, the event store, idempotent placement, the saga queue contract,
 * the shipping table and the payment breaker's published state. See ../README.md.
 */
export * from "./events.ts";
export {
  admissionKeys,
  DEFAULT_ADMISSION_NAMESPACE,
  admissionMember,
  admissionSettings,
  type AdmissionRedis,
  CheckoutBusyError,
  createCheckoutAdmission,
  type AdmissionDecision,
  type AdmissionSettings,
  type AdmissionState,
  type CheckoutAdmission,
} from "./checkout-admission.ts";
export {
  PARCEL_STATUSES,
  FulfilmentGuardError,
  fulfilmentFollowUps,
  refundableCents,
  type FulfilmentEvent,
  type ParcelStatus,
  type PendingRefund,
  type VendorParcel,
} from "./fulfilment.ts";
export {
  loadOrder,
  appendEvents,
  createOrder,
  ConcurrencyConflictError,
  OrderNotFoundError,
  CORE_TX_OPTIONS,
  type CoreTx,
} from "./order-store.ts";
export {
  changeOrder,
  withFollowUps,
  type ChangeOrderOptions,
  type OrderDecision,
  type OrderChange,
} from "./change-order.ts";
export {
  ORDER_TOPIC,
  eventDetail,
  orderOutboxPayload,
  orderVendorIds,
  sagaHandOff,
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
  PAYMENTS_QUEUE,
  PAYMENT_STEPS,
  VENDOR_REFUND_JOB,
  vendorRefundJobSchema,
  vendorRefundEnqueuer,
  type VendorRefundJob,
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
export {
  CustomerErasedError,
  customerKey,
  ERASED_ADDRESS,
  openShippingAddress,
  type PlacedAddress,
  sealShippingAddress,
} from "./customer-address.ts";
