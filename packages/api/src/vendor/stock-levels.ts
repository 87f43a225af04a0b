/**
 * Stock changes per product variant per warehouse (`stock_levels`, one row per warehouse × product
 * × variant, variant NULL = the product's own stock, see migrations/shard/0008). Every change here
 * runs in ONE shard transaction under the tenant, appends `stock_movements` rows and writes the
 * `StockChanged` outbox event (the product's availability in total and per variant).
 */
import {
  emitStockChanged,
  errorChain,
  type ShardTransaction,
  type StockChanged,
  withTenant,
} from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { type AuditActor, recordAudit } from "./audit-log.ts";
import type {
  adjustStockInput,
  setLowStockThresholdInput,
  transferStockInput,
} from "./stock.schema.ts";

/** One stock line: a product's own stock (variantId null) or one of its variants'. */
interface Line {
  productId: string;
  variantId: string | null;
}

const lineName = (l: Line) => (l.variantId ? `${l.productId}/${l.variantId}` : l.productId);

/** A change that would take stock below zero or below what checkouts have reserved. */
export class InsufficientStockError extends Error {
  readonly code = "INSUFFICIENT_STOCK";
  readonly details: {
    warehouseId: string;
    productId: string;
    variantId: string | null;
    requested: number;
  };
  constructor(warehouseId: string, line: Line, requested: number) {
    super(
      `warehouse ${warehouseId} does not hold ${requested} free units of ${line.variantId ? `variant ${line.variantId} of ` : ""}product ${line.productId}`,
    );
    this.name = "InsufficientStockError";
    this.details = { warehouseId, ...line, requested };
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
      message: "No such warehouse, product or variant in your shop.",
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

/**
 * NOT_FOUND unless the warehouses, the product and (when named) the variant are the tenant's own
 * and the variant belongs to the product (checked under RLS).
 */
async function assertOwned(
  tx: ShardTransaction,
  vendorId: string,
  warehouseIds: string[],
  line: Line,
): Promise<void> {
  const [w, p, v] = await Promise.all([
    tx.warehouse.count({ where: { vendorId, id: { in: warehouseIds } } }),
    tx.product.count({ where: { vendorId, id: line.productId } }),
    line.variantId
      ? tx.productVariant.count({
          where: { vendorId, productId: line.productId, id: line.variantId },
        })
      : Promise.resolve(1),
  ]);
  if (w !== new Set(warehouseIds).size || p !== 1 || v !== 1)
    throw new TRPCError({
      code: "NOT_FOUND",
      message: "No such warehouse, product or variant in your shop.",
    });
}

/** Creates the line's empty row in the warehouse if missing, then locks it. */
async function lockRow(
  tx: ShardTransaction,
  vendorId: string,
  warehouseId: string,
  line: Line,
): Promise<LevelRow> {
  await tx.$executeRaw`
    INSERT INTO stock_levels (vendor_id, warehouse_id, product_id, variant_id, on_hand, reserved)
    VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${line.productId}::uuid, ${line.variantId}::uuid, 0, 0)
    ON CONFLICT (warehouse_id, product_id, variant_id) DO NOTHING`;
  const [row] = await tx.$queryRaw<LevelRow[]>`
    SELECT on_hand, reserved, version, low_stock_threshold FROM stock_levels
     WHERE warehouse_id = ${warehouseId}::uuid AND product_id = ${line.productId}::uuid
       AND variant_id IS NOT DISTINCT FROM ${line.variantId}::uuid
       FOR UPDATE`;
  if (!row) throw new Error(`stock row ${warehouseId}/${lineName(line)} vanished under its lock`);
  return row;
}

/** Adds `delta` (may be negative) to on_hand, never below the reserved units. */
async function changeOnHand(
  tx: ShardTransaction,
  vendorId: string,
  warehouseId: string,
  line: Line,
  delta: number,
): Promise<LevelRow> {
  const rows = await tx.$queryRaw<LevelRow[]>`
    UPDATE stock_levels
       SET on_hand = on_hand + ${delta}, version = version + 1, updated_at = now()
     WHERE vendor_id = ${vendorId}::uuid AND warehouse_id = ${warehouseId}::uuid
       AND product_id = ${line.productId}::uuid AND variant_id IS NOT DISTINCT FROM ${line.variantId}::uuid
       AND on_hand + ${delta} >= reserved
    RETURNING on_hand, reserved, version, low_stock_threshold`;
  const row = rows[0];
  if (!row) throw new InsufficientStockError(warehouseId, line, -delta);
  return row;
}

async function recordMovement(
  tx: ShardTransaction,
  vendorId: string,
  warehouseId: string,
  line: Line,
  delta: number,
  reason: "restock" | "adjust" | "transfer",
  reference: string,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO stock_movements (vendor_id, warehouse_id, product_id, variant_id, delta_on_hand, reason, reference)
    VALUES (${vendorId}::uuid, ${warehouseId}::uuid, ${line.productId}::uuid, ${line.variantId}::uuid, ${delta},
            ${reason}, ${reference})`;
}

/** The low-stock alert: true when a change took the row's free units to or below its threshold. */
function lowAfter(row: LevelRow): boolean {
  return row.on_hand - row.reserved <= row.low_stock_threshold;
}

export async function adjustStock(actor: AuditActor, input: z.infer<typeof adjustStockInput>) {
  const { vendorId } = actor;
  const line: Line = { productId: input.productId, variantId: input.variantId };
  const reference = input.note ? `portal: ${input.note}` : "portal";
  let result: {
    before: LevelRow;
    after: LevelRow;
    available: number;
    variantAvailable: number | null;
  };
  try {
    result = await withTenant(vendorId, async (tx) => {
      await assertOwned(tx, vendorId, [input.warehouseId], line);
      const before = await lockRow(tx, vendorId, input.warehouseId, line);
      const after = await changeOnHand(tx, vendorId, input.warehouseId, line, input.delta);
      await recordMovement(
        tx,
        vendorId,
        input.warehouseId,
        line,
        input.delta,
        input.reason,
        reference,
      );
      const event = await emitStockChanged(tx, vendorId, input.productId);
      return { before, after, ...availabilityOf(event, line) };
    });
  } catch (err) {
    throw asTrpc(err);
  }
  await recordAudit(actor, {
    action: "stock.adjust",
    targetType: "stock_level",
    targetId: `${input.warehouseId}/${lineName(line)}`,
    before: { onHand: result.before.on_hand, reserved: result.before.reserved },
    after: { onHand: result.after.on_hand, reserved: result.after.reserved },
    details: {
      delta: input.delta,
      reason: input.reason,
      note: input.note,
      variantId: line.variantId,
    },
  });
  return {
    onHand: result.after.on_hand,
    reserved: result.after.reserved,
    available: result.available,
    variantAvailable: result.variantAvailable,
    low: lowAfter(result.after),
  };
}

/** The product's total and, for a variant line, the variant's own sum from the emitted event. */
function availabilityOf(
  event: StockChanged,
  line: Line,
): { available: number; variantAvailable: number | null } {
  if (!line.variantId) return { available: event.available, variantAvailable: null };
  const own = event.variants?.find((v) => v.variantId === line.variantId);
  return { available: event.available, variantAvailable: own?.available ?? 0 };
}

export interface TransferFaults {
  /** Test hook: runs after the source was debited and before the destination is credited. */
  afterDebit?: () => Promise<void>;
}

/**
 * Moves units of one line (a product's own stock or one variant's) between two of the tenant's
 * warehouses in ONE shard transaction: a failure at any point (including between debit and credit)
 * rolls both back. Rows are locked in warehouse-id order so two opposite transfers cannot deadlock.
 */
export async function transferStock(
  actor: AuditActor,
  input: z.infer<typeof transferStockInput>,
  faults: TransferFaults = {},
) {
  const { vendorId } = actor;
  const { fromWarehouseId: from, toWarehouseId: to, quantity } = input;
  const line: Line = { productId: input.productId, variantId: input.variantId };
  const reference = `transfer ${from} → ${to}${input.note ? `: ${input.note}` : ""}`;
  let result: { from: LevelRow; to: LevelRow; available: number; variantAvailable: number | null };
  try {
    result = await withTenant(vendorId, async (tx) => {
      await assertOwned(tx, vendorId, [from, to], line);
      for (const w of [from, to].sort()) await lockRow(tx, vendorId, w, line);
      const debited = await changeOnHand(tx, vendorId, from, line, -quantity);
      await recordMovement(tx, vendorId, from, line, -quantity, "transfer", reference);
      await faults.afterDebit?.();
      const credited = await changeOnHand(tx, vendorId, to, line, quantity);
      await recordMovement(tx, vendorId, to, line, quantity, "transfer", reference);
      const event = await emitStockChanged(tx, vendorId, line.productId);
      return { from: debited, to: credited, ...availabilityOf(event, line) };
    });
  } catch (err) {
    throw asTrpc(err);
  }
  await recordAudit(actor, {
    action: "stock.transfer",
    targetType: "product",
    targetId: line.productId,
    after: {
      from: { warehouseId: from, onHand: result.from.on_hand },
      to: { warehouseId: to, onHand: result.to.on_hand },
    },
    details: { quantity, note: input.note, variantId: line.variantId },
  });
  return {
    from: {
      warehouseId: from,
      onHand: result.from.on_hand,
      reserved: result.from.reserved,
      low: lowAfter(result.from),
    },
    to: {
      warehouseId: to,
      onHand: result.to.on_hand,
      reserved: result.to.reserved,
      low: lowAfter(result.to),
    },
    available: result.available,
    variantAvailable: result.variantAvailable,
  };
}

/** The low-stock threshold of one line in one warehouse (per variant for a variant line). */
export async function setLowStockThreshold(
  actor: AuditActor,
  input: z.infer<typeof setLowStockThresholdInput>,
) {
  const { vendorId } = actor;
  const line: Line = { productId: input.productId, variantId: input.variantId };
  let row: LevelRow;
  try {
    row = await withTenant(vendorId, async (tx) => {
      await assertOwned(tx, vendorId, [input.warehouseId], line);
      const locked = await lockRow(tx, vendorId, input.warehouseId, line);
      await tx.$executeRaw`
        UPDATE stock_levels SET low_stock_threshold = ${input.threshold}, updated_at = now()
         WHERE warehouse_id = ${input.warehouseId}::uuid AND product_id = ${line.productId}::uuid
           AND variant_id IS NOT DISTINCT FROM ${line.variantId}::uuid`;
      return locked;
    });
  } catch (err) {
    throw asTrpc(err);
  }
  await recordAudit(actor, {
    action: "stock.threshold",
    targetType: "stock_level",
    targetId: `${input.warehouseId}/${lineName(line)}`,
    before: { lowStockThreshold: row.low_stock_threshold },
    after: { lowStockThreshold: input.threshold },
  });
  return {
    lowStockThreshold: input.threshold,
    low: row.on_hand - row.reserved <= input.threshold,
  };
}

/**
 * The stock line a SKU names: a variant's SKU, else a product's own. Variant and product SKUs are
 * unique per shop each, so one SKU may name both; that is a CONFLICT the vendor resolves.
 */
async function lineBySku(tx: ShardTransaction, vendorId: string, sku: string): Promise<Line> {
  const [variant, product] = await Promise.all([
    tx.productVariant.findFirst({
      where: { vendorId, sku },
      select: { id: true, productId: true },
    }),
    tx.product.findFirst({ where: { vendorId, sku }, select: { id: true } }),
  ]);
  if (variant && product)
    throw new TRPCError({
      code: "CONFLICT",
      message: `SKU ${sku} names both a product and a variant in your shop; rename one.`,
    });
  if (variant) return { productId: variant.productId, variantId: variant.id };
  if (product) return { productId: product.id, variantId: null };
  throw new TRPCError({
    code: "NOT_FOUND",
    message: `No product or variant with SKU ${sku} in your shop.`,
  });
}

export interface SetOnHandResult {
  warehouseId: string;
  productId: string;
  variantId: string | null;
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  changed: boolean;
}

/**
 * Sets a line's on-hand count in one warehouse to an absolute number (the REST API's
 * `PUT /stock/{sku}`): the difference is applied as one `adjust` movement under the row lock, so
 * units reserved by checkouts meanwhile are never overwritten, and it never goes below them.
 * Setting the count it already has changes nothing (no movement, no event, no audit entry).
 */
export async function setOnHandBySku(
  actor: AuditActor,
  input: {
    warehouseId: string;
    sku: string;
    onHand: number;
    reference: string;
    auditDetails?: Record<string, unknown>;
  },
): Promise<SetOnHandResult> {
  const { vendorId } = actor;
  let result: { line: Line; before: LevelRow; after: LevelRow; delta: number };
  try {
    result = await withTenant(vendorId, async (tx) => {
      const line = await lineBySku(tx, vendorId, input.sku);
      await assertOwned(tx, vendorId, [input.warehouseId], line);
      const before = await lockRow(tx, vendorId, input.warehouseId, line);
      const delta = input.onHand - before.on_hand;
      if (delta === 0) return { line, before, after: before, delta };
      const after = await changeOnHand(tx, vendorId, input.warehouseId, line, delta);
      await recordMovement(tx, vendorId, input.warehouseId, line, delta, "adjust", input.reference);
      await emitStockChanged(tx, vendorId, line.productId);
      return { line, before, after, delta };
    });
  } catch (err) {
    throw asTrpc(err);
  }
  const { line, before, after, delta } = result;
  if (delta !== 0)
    await recordAudit(actor, {
      action: "stock.set",
      targetType: "stock_level",
      targetId: `${input.warehouseId}/${lineName(line)}`,
      before: { onHand: before.on_hand, reserved: before.reserved },
      after: { onHand: after.on_hand, reserved: after.reserved },
      details: { sku: input.sku, delta, variantId: line.variantId, ...input.auditDetails },
    });
  return {
    warehouseId: input.warehouseId,
    ...line,
    onHand: after.on_hand,
    reserved: after.reserved,
    available: after.on_hand - after.reserved,
    version: after.version,
    changed: delta !== 0,
  };
}
