/** zod inputs of the vendor's stock procedures. */
import { z } from "zod";

/** A variant of the product; omitted (or null) for the product's own stock. */
const variantId = z
  .uuid()
  .nullish()
  .transform((v) => v ?? null);

/** Keyset cursor of the stock list: `<productId>` or `<productId>/<variantId>` of the last line. */
export const stockCursor = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i,
    "not a stock list cursor",
  );

export const listStockInput = z.object({
  warehouseId: z.uuid(),
  /** Keyset cursor: the last line (product, variant) of the previous page. */
  cursor: stockCursor.optional(),
  limit: z.number().int().min(1).max(200).default(50),
  lowOnly: z.boolean().default(false),
});

export const adjustStockInput = z.object({
  warehouseId: z.uuid(),
  productId: z.uuid(),
  variantId,
  /** Units added (restock, found) or removed (damaged, lost, counted short). */
  delta: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((n) => n !== 0, "delta must not be 0"),
  reason: z.enum(["restock", "adjust"]),
  note: z.string().trim().max(200).default(""),
});

export const transferStockInput = z
  .object({
    fromWarehouseId: z.uuid(),
    toWarehouseId: z.uuid(),
    productId: z.uuid(),
    variantId,
    quantity: z.number().int().min(1).max(1_000_000),
    note: z.string().trim().max(200).default(""),
  })
  .refine((t) => t.fromWarehouseId !== t.toWarehouseId, {
    message: "pick two different warehouses",
    path: ["toWarehouseId"],
  });

export const setLowStockThresholdInput = z.object({
  warehouseId: z.uuid(),
  productId: z.uuid(),
  variantId,
  threshold: z.number().int().min(0).max(1_000_000),
});
