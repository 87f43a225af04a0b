/** zod inputs of the vendor's stock procedures. */
import { z } from "zod";

export const listStockInput = z.object({
  warehouseId: z.uuid(),
  /** Keyset cursor: the last product id of the previous page. */
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  lowOnly: z.boolean().default(false),
});

export const adjustStockInput = z.object({
  warehouseId: z.uuid(),
  productId: z.uuid(),
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
  threshold: z.number().int().min(0).max(1_000_000),
});
