/** Vendor sub-orders: reads, fulfilment actions, the carrier client and the refund producer. */
export {
  acceptVendorOrder,
  cancelVendorOrder,
  packVendorOrder,
  refundVendorOrder,
  shipVendorOrder,
  toVendorOrderError,
  type VendorActionResult,
} from "./fulfil-order.ts";
export { getVendorOrder, listVendorOrders } from "./read-vendor-orders.ts";
export {
  carrier,
  createCarrierClient,
  CarrierRejectedError,
  CarrierUnavailableError,
  type CarrierClient,
  type CarrierClientOptions,
} from "./carrier-client.ts";
export { closeRefundProducer, enqueueVendorRefund } from "./refund-producer.ts";
export type { VendorOrderPage, VendorOrderRow, VendorOrderView } from "./orders.schema.ts";
