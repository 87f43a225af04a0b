/**
 * The format of a shopper's data export ("Download my data"): one JSON document, validated by the
 * worker before it is written and by tests when they read it back. Version it when it changes.
 */
import { z } from "zod";

const address = z.object({
  name: z.string(),
  line1: z.string(),
  city: z.string(),
  postalCode: z.string(),
  country: z.string(),
});

export const exportedOrderSchema = z.object({
  orderId: z.uuid(),
  placedAt: z.iso.datetime(),
  status: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  address: address.nullable(),
  lines: z.array(
    z.object({
      vendorId: z.uuid(),
      vendorName: z.string(),
      productId: z.uuid(),
      /** From the vendor's shard; empty when the product is gone. */
      title: z.string(),
      quantity: z.number().int(),
      unitPriceCents: z.number().int(),
    }),
  ),
  parcels: z.array(
    z.object({
      vendorId: z.uuid(),
      status: z.string(),
      trackingNumber: z.string().nullable(),
    }),
  ),
});

export const dataExportSchema = z.object({
  format: z.literal("agora-data-export/v1"),
  generatedAt: z.iso.datetime(),
  profile: z.object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime(),
    roles: z.array(z.string()),
    phone: z.string().nullable(),
  }),
  /** Distinct shipping addresses used on orders, newest first. */
  addresses: z.array(address),
  orders: z.array(exportedOrderSchema),
  reviews: z.array(
    z.object({
      productId: z.uuid(),
      rating: z.number().int(),
      title: z.string(),
      body: z.string(),
      createdAt: z.iso.datetime(),
    }),
  ),
  cart: z.array(
    z.object({
      productId: z.string(),
      variantId: z.string().nullable(),
      vendorId: z.string(),
      title: z.string(),
      quantity: z.number().int(),
    }),
  ),
  notifications: z.array(
    z.object({
      kind: z.string(),
      title: z.string(),
      body: z.string(),
      createdAt: z.iso.datetime(),
      readAt: z.iso.datetime().nullable(),
    }),
  ),
});
export type DataExport = z.infer<typeof dataExportSchema>;
export type ExportedOrder = z.infer<typeof exportedOrderSchema>;
