import { z } from "zod";

export const getOrderInput = z.object({
  orderId: z.uuid(),
  /**
   * The newest order version the caller has seen (from a live push). A replica that has not
   * replayed it yet is not used: the read goes to the primary (monotonic reads per order).
   */
  minVersion: z.number().int().positive().optional(),
});

export interface OrderSummary {
  id: string;
  status: string;
  totalCents: number;
  currency: string;
  createdAt: Date;
  itemCount: number;
}

export interface OrderView {
  id: string;
  status: string;
  /** The order aggregate's version this view shows (live views compare pushes with it). */
  version: number;
  totalCents: number;
  currency: string;
  createdAt: Date;
  items: {
    productId: string;
    vendorId: string;
    title: string;
    quantity: number;
    unitPriceCents: number;
  }[];
  vendors: {
    vendorId: string;
    vendorName: string;
    /** The vendor sub-order's status on its shard; "unknown" while that shard cannot answer. */
    status: string;
    trackingNumber: string | null;
    /** The vendor's parcel from the order aggregate; null before the order was paid for. */
    fulfilment: null | {
      status: string;
      carrierStatus: string | null;
      shareCents: number;
      refundedCents: number;
      cancelReason: string | null;
    };
  }[];
  timeline: {
    version: number;
    type: string;
    status: string;
    at: Date;
    detail: Record<string, unknown>;
  }[];
  failure: null | { reason: string; detail: string; compensations: string[] };
}
