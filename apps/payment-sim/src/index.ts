export { createPaymentSim, type PaymentSim, type PaymentSimOptions } from "./server.ts";
export {
  ManualScheduler,
  systemClock,
  systemScheduler,
  type Clock,
  type Scheduler,
} from "./clock.ts";
export {
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
} from "./config.ts";
export { TEST_CARDS } from "./payments/test-cards.ts";
export type { Payment, PaymentStatus, DeclineCode, Refund, LedgerEntry } from "./payments/types.ts";
export type { Shipment, ShipmentEvent, ShipmentStatus } from "./carrier/types.ts";
export {
  SIGNATURE_HEADER,
  signCarrierPayload,
  verifyCarrierSignature,
} from "./carrier/signature.ts";
export { faultConfigSchema, type FaultConfig } from "./faults.ts";
export { FileSimStore, MemorySimStore, type SimStore } from "./store.ts";
