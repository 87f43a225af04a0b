/**
 * Stock per product per warehouse (`stock_levels`, one row per warehouse × product: variants share
 * their product's stock, see migrations/shard/0004). Every change here runs in ONE shard
 * transaction under the tenant, appends `stock_movements` rows and writes the `StockChanged`
 * outbox event (available = Σ on_hand − reserved over the product's warehouses).
 */
import { emitStockChanged, errorChain, type ShardTransaction, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { type AuditActor, recordAudit } from "./audit-log.ts";
import type {
  adjustStockInput,
  listStockInput,
  setLowStockThresholdInput,
  transferStockInput,
} from "./stock.schema.ts";

export interface StockRow {
  warehouseId: string;
  productId: string;
  title: string;
  sku: string | null;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  low: boolean;
  version: number;
}

/** A change that would take stock below zero or below what checkouts have reserved. */
export class InsufficientStockError extends Error {
  readonly code = "INSUFFICIENT_STOCK";
  readonly details: { warehouseId: string; productId: string; requested: number };
  constructor(warehouseId: string, productId: string, requested: number) {
    super(`warehouse ${warehouseId} does not hold ${requested} free units of product ${productId}`);
    this.name = "InsufficientStockError";
    this.details = { warehouseId, productId, requested };
  }
}

function asTrpc(err: unknown): unknown {
  if (err instanceof InsufficientStockError)
    return new TRPCError({ code: "BAD_REQUEST", message: err.message, cause: err });
  // A foreign key to a warehouse or product the tenant does not have (or another tenant's).
  const missing = errorChain(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    return code === "23503" || code === "P2003";
  });
  if (missing)
    return new TRPCError({
      code: "NOT_FOUND",
      message: "No such warehouse or product in your shop.",
      cause: err,
    });
  return err;
}

interface LevelRow {
  on_hand: number;
  reserved: number;
  version: number;
  low_stock_threshold: number;
}

/** NOT_FOUND unless the warehouses and the product are the tenant's own (checked under RLS). */
async function assertOwned(
  tx: ShardTransaction,
  vendorId: string,
  warehouseIds: string[],
  productId: string,
): Promise<void> {
  const [w, p] = await Promise.all([
    tx.warehouse.count({ where: { vendorId, id: { in: warehouseIds } } }),
    tx.product.count({ where: { vendorId, id: productId } }),
  ]);
  if (w !== new Set(warehouseIds).size || p !== 1)
    throw new TRPCError({ code: "NOT_FOUND", message: "No such warehouse or product in your shop." });
}

async function ensureRow(
  tx: ShardTransaction,
  vendorId: string,
  warehouseId: string,
  productId: string,
) {
  await tx.$executeRaw`
    INSERT INTO stock_levels (vendor_id, warehouse_id, product_id, on_hand, reserved)
    VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${productId}::uuid, 0, 0)
    ON CONFLICT (warehouse_id, product_id) DO NOTHING`;
}

/** Adds `delta` (may be negative) to on_hand, never below the reserved units. */
async function changeOnHand(
  tx: ShardTransaction,
  vendorId: string,
  warehouseId: string,
  productId: string,
  delta: number,
): Promise<LevelRow> {
  const rows = await tx.$queryRaw<LevelRow[]>`
    UPDATE stock_levels
       SET on_hand = on_hand + ${delta}, version = version + 1, updated_at = now()
     WHERE vendor_id = ${vendorId}::uuid AND warehouse_id = ${warehouseId}::uuid
       AND product_id = ${productId}::uuid AND on_hand + ${delta} >= reserved
    RETURNING on_hand, reserved, version, low_stock_threshold`;
  const row = rows[0];
  if (!row) throw new InsufficientStockError(warehouseId, productId, -delta);
  return row;
}

async function recordMovement(
  tx: ShardTransaction,
  vendorId: string,
  warehouseId: string,
  productId: string,
  delta: number,
  reason: "restock" | "adjust" | "transfer",
  reference: string,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO stock_movements (vendor_id, warehouse_id, product_id, delta_on_hand, reason, reference)
    VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${productId}::uuid, ${delta}, ${reason}, ${reference})`;
}

export async function listStock(
  vendorId: string,
  input: z.infer<typeof listStockInput>,
): Promise<{
  items: StockRow[];
  nextCursor: string | null;
}> {
  const rows = await withTenant(
    vendorId,
    (tx) =>
      tx.$queryRaw<
        {
          product_id: string;
          title: string;
          sku: string | null;
          on_hand: number | null;
          reserved: number | null;
          version: number | null;
          low_stock_threshold: number | null;
        }[]
      >`
      SELECT p.id::text AS product_id, p.title, p.sku, s.on_hand, s.reserved, s.version, s.low_stock_threshold
        FROM products p
        LEFT JOIN stock_levels s
          ON s.product_id = p.id AND s.warehouse_id = ${input.warehouseId}::uuid
       WHERE p.vendor_id = ${vendorId}::uuid AND p.status <> 'archived'
         AND (${input.cursor ?? null}::uuid IS NULL OR p.id > ${input.cursor ?? null}::uuid)
         AND (NOT ${input.lowOnly} OR coalesce(s.on_hand - s.reserved, 0) <= coalesce(s.low_stock_threshold, 5))
       ORDER BY p.id
       LIMIT ${input.limit + 1}`,
  );
  const items = rows.slice(0, input.limit).map((r): StockRow => {
    const onHand = r.on_hand ?? 0;
    const reserved = r.reserved ?? 0;
    const threshold = r.low_stock_threshold ?? 5;
    return {
      warehouseId: input.warehouseId,
      productId: r.product_id,
      title: r.title,
      sku: r.sku,
      onHand,
      reserved,
      available: onHand - reserved,
      lowStockThreshold: threshold,
      low: onHand - reserved <= threshold,
      version: r.version ?? 0,
    };
  });
  return {
    items,
    nextCursor: rows.length > input.limit ? items[items.length - 1]!.productId : null,
  };
}

export async function adjustStock(actor: AuditActor, input: z.infer<typeof adjustStockInput>) {
  const { vendorId } = actor;
  const reference = input.note ? `portal: ${input.note}` : "portal";
  let result: { before: LevelRow | undefined; after: LevelRow; available: number };
  try {
    result = await withTenant(vendorId, async (tx) => {
      await assertOwned(tx, vendorId, [input.warehouseId], input.productId);
      await ensureRow(tx, vendorId, input.warehouseId, input.productId);
      const [before] = await tx.$queryRaw<LevelRow[]>`
        SELECT on_hand, reserved, version, low_stock_threshold FROM stock_levels
         WHERE warehouse_id = ${input.warehouseId}::uuid AND product_id = ${input.productId}::uuid FOR UPDATE`;
      const after = await changeOnHand(
        tx,
        vendorId,
        input.warehouseId,
        input.productId,
        input.delta,
      );
      await recordMovement(
        tx,
        vendorId,
        input.warehouseId,
        input.productId,
        input.delta,
        input.reason,
        reference,
      );
      const { available } = await emitStockChanged(tx, vendorId, input.productId);
      return { before, after, available };
    });
  } catch (err) {
    throw asTrpc(err);
  }
  await recordAudit(actor, {
    action: "stock.adjust",
    targetType: "stock_level",
    targetId: `${input.warehouseId}/${input.productId}`,
    before: result.before
      ? { onHand: result.before.on_hand, reserved: result.before.reserved }
      : null,
    after: { onHand: result.after.on_hand, reserved: result.after.reserved },
    details: { delta: input.delta, reason: input.reason, note: input.note },
  });
  return {
    onHand: result.after.on_hand,
    reserved: result.after.reserved,
    available: result.available,
  };
}

export interface TransferFaults {
  /** Test hook: runs after the source was debited and before the destination is credited. */
  afterDebit?: () => Promise<void>;
}

/**
 * Moves units between two of the tenant's warehouses in ONE shard transaction: a failure at any
 * point (including between debit and credit) rolls both back. Rows are locked in warehouse-id
 * order so two opposite transfers cannot deadlock.
 */
export async function transferStock(
  actor: AuditActor,
  input: z.infer<typeof transferStockInput>,
  faults: TransferFaults = {},
) {
  const { vendorId } = actor;
  const { fromWarehouseId: from, toWarehouseId: to, productId, quantity } = input;
  const reference = `transfer ${from} → ${to}${input.note ? `: ${input.note}` : ""}`;
  let result: { from: LevelRow; to: LevelRow; available: number };
  try {
    result = await withTenant(vendorId, async (tx) => {
      await assertOwned(tx, vendorId, [from, to], productId);
      for (const w of [from, to].sort()) {
        await ensureRow(tx, vendorId, w, productId);
        await tx.$queryRaw`SELECT 1 FROM stock_levels WHERE warehouse_id = ${w}::uuid AND product_id = ${productId}::uuid FOR UPDATE`;
      }
      const debited = await changeOnHand(tx, vendorId, from, productId, -quantity);
      await recordMovement(tx, vendorId, from, productId, -quantity, "transfer", reference);
      await faults.afterDebit?.();
      const credited = await changeOnHand(tx, vendorId, to, productId, quantity);
      await recordMovement(tx, vendorId, to, productId, quantity, "transfer", reference);
      const { available } = await emitStockChanged(tx, vendorId, productId);
      return { from: debited, to: credited, available };
    });
  } catch (err) {
    throw asTrpc(err);
  }
  await recordAudit(actor, {
    action: "stock.transfer",
    targetType: "product",
    targetId: productId,
    after: {
      from: { warehouseId: from, onHand: result.from.on_hand },
      to: { warehouseId: to, onHand: result.to.on_hand },
    },
    details: { quantity, note: input.note },
  });
  return {
    from: { warehouseId: from, onHand: result.from.on_hand, reserved: result.from.reserved },
    to: { warehouseId: to, onHand: result.to.on_hand, reserved: result.to.reserved },
    available: result.available,
  };
}

export async function setLowStockThreshold(
  actor: AuditActor,
  input: z.infer<typeof setLowStockThresholdInput>,
) {
  const { vendorId } = actor;
  let before: number | undefined;
  try {
    before = await withTenant(vendorId, async (tx) => {
      await assertOwned(tx, vendorId, [input.warehouseId], input.productId);
      await ensureRow(tx, vendorId, input.warehouseId, input.productId);
      const [row] = await tx.$queryRaw<{ low_stock_threshold: number }[]>`
        SELECT low_stock_threshold FROM stock_levels
         WHERE warehouse_id = ${input.warehouseId}::uuid AND product_id = ${input.productId}::uuid FOR UPDATE`;
      await tx.$executeRaw`
        UPDATE stock_levels SET low_stock_threshold = ${input.threshold}, updated_at = now()
         WHERE warehouse_id = ${input.warehouseId}::uuid AND product_id = ${input.productId}::uuid`;
      return row?.low_stock_threshold;
    });
  } catch (err) {
    throw asTrpc(err);
  }
  await recordAudit(actor, {
    action: "stock.threshold",
    targetType: "stock_level",
    targetId: `${input.warehouseId}/${input.productId}`,
    before: { lowStockThreshold: before ?? null },
    after: { lowStockThreshold: input.threshold },
  });
  return { lowStockThreshold: input.threshold };
}
