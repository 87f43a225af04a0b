/** Inputs of `vendor.orders.*` (zod at the edge) and the views they return. */
import { PARCEL_STATUSES } from "@agora/orders";
import { z } from "zod";

const orderId = z.uuid();
/** The order version the vendor saw; a newer order is a CONFLICT (reload, then act). */
const expectedVersion = z.number().int().positive().optional();

export const listVendorOrdersInput = z
  .object({
    status: z.enum(PARCEL_STATUSES as [string, ...string[]]).optional(),
    /** Keyset cursor: the order id of the last row of the previous page. */
    cursor: z.uuid().optional(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .optional();
export type ListVendorOrdersInput = z.infer<typeof listVendorOrdersInput>;

export const vendorOrderIdInput = z.object({ orderId });

export const fulfilActionInput = z.object({ orderId, expectedVersion });
export type FulfilActionInput = z.infer<typeof fulfilActionInput>;

export const cancelVendorOrderInput = z.object({
  orderId,
  expectedVersion,
  reason: z.string().trim().min(3).max(300),
  /** Client-chosen id of this request: a retried submit is the same request. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});
export type CancelVendorOrderInput = z.infer<typeof cancelVendorOrderInput>;

export const refundVendorOrderInput = cancelVendorOrderInput.extend({
  amountCents: z.number().int().positive().max(100_000_000),
});
export type RefundVendorOrderInput = z.infer<typeof refundVendorOrderInput>;

export interface VendorOrderRow {
  orderId: string;
  createdAt: Date;
  fulfilmentStatus: string;
  orderStatus: string | null;
  totalCents: number;
  shippingCents: number;
  refundedCents: number;
  currency: string;
  itemCount: number;
  trackingNumber: string | null;
  carrierStatus: string | null;
}

export interface VendorOrderPage {
  items: VendorOrderRow[];
  nextCursor: string | null;
}

export interface VendorOrderView {
  orderId: string;
  version: number;
  orderStatus: string;
  createdAt: Date;
  currency: string;
  lines: { productId: string; title: string; quantity: number; unitPriceCents: number }[];
  shippingCents: number;
  address: {
    name: string;
    line1: string;
    city: string;
    postalCode: string;
    country: string;
  } | null;
  /** The shopper erased their account: the lines stay, the address is gone for good. */
  customerErased: boolean;
  parcel: {
    status: string;
    shareCents: number;
    refundedCents: number;
    refundableCents: number;
    trackingNumber: string | null;
    carrierStatus: string | null;
    cancelReason: string | null;
    refundInProgress: { amountCents: number; reason: string; cancel: boolean } | null;
  };
  timeline: {
    version: number;
    type: string;
    status: string;
    at: Date;
    detail: Record<string, unknown>;
  }[];
}
