/**
 * Stock reservation for ONE vendor of ONE order, always a single local transaction on the
 * vendor's shard (that is why we shard by tenant, see ARCHITECTURE §4).
 *
 * The reservation record is the vendor's sub-order row (`vendor_orders`, unique per
 * (order_id, vendor_id)). Inserting it first makes every operation idempotent and serialises
 * concurrent retries of the same step: a second reserve blocks on the unique key until the first
 * commits, then reads the outcome instead of reserving twice. A release with no row leaves a
 * RELEASED tombstone, so a late, duplicated reserve can never resurrect a compensated order.
 *
 * Row states: RESERVED → COMMITTED | RELEASED; OUT_OF_STOCK and RELEASED are final.
 */
import { emitStockChanged, withTenant, type ShardDb } from "@agora/db";
import { StockInvariantError, StockReservationStateError } from "@agora/inventory";
import type { StockAllocation } from "@agora/orders";

export interface StockLine {
  productId: string;
  /** Reserve from this variant's rows; absent: from the product's own rows (variant_id NULL). */
  variantId?: string;
  quantity: number;
}

export type { StockAllocation };

export type ReservationStatus = "RESERVED" | "OUT_OF_STOCK" | "RELEASED" | "COMMITTED";

export interface StockReservation {
  orderId: string;
  vendorId: string;
  status: ReservationStatus;
  allocations: StockAllocation[];
  /** OUT_OF_STOCK only: the first product that could not be reserved. */
  shortProductId?: string;
  /** OUT_OF_STOCK only: that line's variant, when it named one. */
  shortVariantId?: string;
  /** True when this call changed nothing because an earlier call already did the work. */
  replayed: boolean;
}

// The reservation's refusals are the inventory service's contract: one class each, both sides of the wire.
export { StockInvariantError, StockReservationStateError };

// Waiting for a pooled connection is normal under a checkout burst; give it more than Prisma's 2 s.
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

type ShardTx = Parameters<Parameters<ShardDb["$transaction"]>[0]>[0];

interface ReservationRow {
  status: string;
  items: {
    lines?: StockLine[];
    allocations?: StockAllocation[];
    shortProductId?: string;
    shortVariantId?: string;
  };
}

async function lockReservation(
  tx: ShardTx,
  orderId: string,
  vendorId: string,
): Promise<ReservationRow | null> {
  const rows = await tx.$queryRaw<ReservationRow[]>`
    SELECT status, items FROM vendor_orders
    WHERE order_id = ${orderId}::uuid AND vendor_id = ${vendorId}::uuid
    FOR UPDATE`;
  return rows[0] ?? null;
}

function toReservation(
  orderId: string,
  vendorId: string,
  row: ReservationRow,
  replayed: boolean,
): StockReservation {
  return {
    orderId,
    vendorId,
    status: row.status as ReservationStatus,
    allocations: row.items.allocations ?? [],
    ...(row.items.shortProductId ? { shortProductId: row.items.shortProductId } : {}),
    ...(row.items.shortVariantId ? { shortVariantId: row.items.shortVariantId } : {}),
    replayed,
  };
}

/** The stock rows a line draws on: one variant's, or the product's own (variant NULL). */
const lineKey = (l: { productId: string; variantId?: string }) =>
  `${l.productId}/${l.variantId ?? ""}`;

/**
 * Same product and variant twice in one order is one line; sorted by (product, variant) so two
 * orders lock rows in one order (no deadlock).
 */
function normaliseLines(lines: StockLine[]): StockLine[] {
  const byKey = new Map<string, StockLine>();
  for (const l of lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0)
      throw new RangeError(`quantity must be a positive integer (product ${l.productId})`);
    const k = lineKey(l);
    const seen = byKey.get(k);
    byKey.set(k, {
      productId: l.productId,
      ...(l.variantId ? { variantId: l.variantId } : {}),
      quantity: (seen?.quantity ?? 0) + l.quantity,
    });
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, l]) => l);
}

/** Allocation order for every write (reserve, release, commit): product, variant, warehouse. */
function byRowKey(a: StockAllocation, b: StockAllocation): number {
  return lineKey(a).localeCompare(lineKey(b)) || a.warehouseId.localeCompare(b.warehouseId);
}

/**
 * One line (a product's own stock or one variant's) from one or more warehouses, in ONE statement:
 * the line's rows with free units are locked in warehouse order (FOR UPDATE re-reads the newest
 * version under READ COMMITTED, so the plan is made on current numbers and two reservations of
 * the same variant queue instead of both taking the last units), then taken from the fullest
 * warehouse that covers the whole line (fewest shipments), or else split over the fullest
 * warehouses first. No rows come back when all of them together hold too few. The UPDATE still
 * re-checks `on_hand - reserved >= n`, and the table's CHECK refuses a negative count whatever
 * happens. One round trip keeps the row locks short under a checkout burst.
 */
async function reserveLine(
  tx: ShardTx,
  vendorId: string,
  line: StockLine,
): Promise<StockAllocation[] | null> {
  const variantId = line.variantId ?? null;
  const n = line.quantity;
  const taken = await tx.$queryRaw<{ warehouse_id: string; take: number }[]>`
    WITH locked AS (
      SELECT warehouse_id, on_hand - reserved AS free FROM stock_levels
       WHERE vendor_id = ${vendorId}::uuid AND product_id = ${line.productId}::uuid
         AND variant_id IS NOT DISTINCT FROM ${variantId}::uuid AND on_hand > reserved
       ORDER BY warehouse_id
         FOR UPDATE
    ), ranked AS (
      SELECT warehouse_id, free,
             coalesce(sum(free) OVER (ORDER BY free DESC, warehouse_id
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
             row_number() OVER (ORDER BY free DESC, warehouse_id) AS rank
        FROM locked
    ), plan AS (
      SELECT warehouse_id,
             CASE WHEN (SELECT max(free) FROM locked) >= ${n}::int THEN ${n}::int
                  ELSE least(free, ${n}::int - before)::int END AS take
        FROM ranked
       WHERE (SELECT sum(free) FROM locked) >= ${n}::int
         AND CASE WHEN (SELECT max(free) FROM locked) >= ${n}::int THEN rank = 1
                  ELSE before < ${n}::int END
    )
    UPDATE stock_levels s
       SET reserved = s.reserved + plan.take, version = s.version + 1, updated_at = now()
      FROM plan
     WHERE s.vendor_id = ${vendorId}::uuid AND s.warehouse_id = plan.warehouse_id
       AND s.product_id = ${line.productId}::uuid AND s.variant_id IS NOT DISTINCT FROM ${variantId}::uuid
       AND s.on_hand - s.reserved >= plan.take
    RETURNING s.warehouse_id::text AS warehouse_id, plan.take`;
  if (taken.length === 0) return null;
  const total = taken.reduce((sum, t) => sum + Number(t.take), 0);
  if (total !== n)
    throw new StockInvariantError(
      `reserved ${total} instead of ${n} units of ${lineKey(line)} from rows held under lock`,
    );
  return taken
    .map((t) => ({
      productId: line.productId,
      ...(line.variantId ? { variantId: line.variantId } : {}),
      warehouseId: t.warehouse_id,
      quantity: Number(t.take),
    }))
    .sort((a, b) => a.warehouseId.localeCompare(b.warehouseId));
}

/** Rows of one allocation: the variant's, or the product's own when it names none. */
function variantOf(a: StockAllocation): string | null {
  return a.variantId ?? null;
}

async function recordMovement(
  tx: ShardTx,
  vendorId: string,
  orderId: string,
  reason: "reserve" | "release" | "commit",
  a: StockAllocation,
  delta: { onHand: number; reserved: number },
): Promise<void> {
  // The unique idempotency key is a second guard: the same movement can never be logged twice.
  // Product-level keys keep their pre-variant form, so a reservation made before variants existed
  // is released or committed under the same keys.
  const key = `${reason}:${orderId}:${vendorId}:${a.warehouseId}:${a.productId}${a.variantId ? `:${a.variantId}` : ""}`;
  await tx.$executeRaw`
    INSERT INTO stock_movements
      (vendor_id, warehouse_id, product_id, variant_id, delta_on_hand, delta_reserved, reason, reference,
       idempotency_key)
    VALUES (${vendorId}::uuid, ${a.warehouseId}::uuid, ${a.productId}::uuid, ${variantOf(a)}::uuid,
            ${delta.onHand}, ${delta.reserved}, ${reason}, ${`order:${orderId}`}, ${key})`;
}

/** One StockChanged per product touched, in the same transaction (outbox contract). */
async function announceStock(
  tx: ShardTx,
  vendorId: string,
  allocations: StockAllocation[],
): Promise<void> {
  for (const productId of new Set(allocations.map((a) => a.productId)))
    await emitStockChanged(tx, vendorId, productId);
}

async function setReservation(
  tx: ShardTx,
  orderId: string,
  vendorId: string,
  status: ReservationStatus,
  items: ReservationRow["items"],
): Promise<void> {
  await tx.$executeRaw`
    UPDATE vendor_orders SET status = ${status}, items = ${JSON.stringify(items)}::jsonb,
      version = version + 1, updated_at = now()
    WHERE order_id = ${orderId}::uuid AND vendor_id = ${vendorId}::uuid`;
}

export interface ReserveStockInput {
  orderId: string;
  vendorId: string;
  lines: StockLine[];
  /** The vendor's part of the order total, kept on the sub-order row for fulfilment. */
  totalCents: number;
  currency?: string;
}

/** Reserves every line or none (OUT_OF_STOCK). Idempotent per (orderId, vendorId). */
export async function reserveStock(input: ReserveStockInput): Promise<StockReservation> {
  const { orderId, vendorId } = input;
  const lines = normaliseLines(input.lines);
  // This vendor's rows only (row-level security); run again while the vendor moves between shards.
  return withTenant(vendorId, async (tx) => {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO vendor_orders (vendor_id, order_id, status, total_cents, currency, items)
      VALUES (${vendorId}::uuid, ${orderId}::uuid, 'RESERVING', ${input.totalCents}, ${input.currency ?? "EUR"},
              ${JSON.stringify({ lines })}::jsonb)
      ON CONFLICT (order_id, vendor_id) DO NOTHING
      RETURNING id::text`;
    if (inserted.length === 0) {
      const existing = await lockReservation(tx, orderId, vendorId);
      if (!existing) throw new StockInvariantError(`vendor order ${orderId}/${vendorId} vanished`);
      return toReservation(orderId, vendorId, existing, true);
    }
    // All lines or none: on a short line, undo the lines already taken but keep the sub-order row.
    await tx.$executeRaw`SAVEPOINT reserve_lines`;
    const allocations: StockAllocation[] = [];
    for (const line of lines) {
      const taken = await reserveLine(tx, vendorId, line);
      if (!taken) {
        await tx.$executeRaw`ROLLBACK TO SAVEPOINT reserve_lines`;
        const items = {
          lines,
          allocations: [],
          shortProductId: line.productId,
          ...(line.variantId ? { shortVariantId: line.variantId } : {}),
        };
        await setReservation(tx, orderId, vendorId, "OUT_OF_STOCK", items);
        return toReservation(orderId, vendorId, { status: "OUT_OF_STOCK", items }, false);
      }
      allocations.push(...taken);
    }
    allocations.sort(byRowKey);
    for (const a of allocations)
      await recordMovement(tx, vendorId, orderId, "reserve", a, {
        onHand: 0,
        reserved: a.quantity,
      });
    await announceStock(tx, vendorId, allocations);
    await setReservation(tx, orderId, vendorId, "RESERVED", { lines, allocations });
    return { orderId, vendorId, status: "RESERVED" as const, allocations, replayed: false };
  }, TX_OPTIONS);
}

/**
 * Compensation: gives reserved units back. No-op when already released or never reserved
 * (OUT_OF_STOCK); with no reservation at all it writes a RELEASED tombstone. Refuses COMMITTED
 * stock (that is a return/restock, not a release).
 */
export async function releaseStock(orderId: string, vendorId: string): Promise<StockReservation> {
  // This vendor's rows only (row-level security); run again while the vendor moves between shards.
  return withTenant(vendorId, async (tx) => {
    const tomb = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO vendor_orders (vendor_id, order_id, status, total_cents, items)
      VALUES (${vendorId}::uuid, ${orderId}::uuid, 'RELEASED', 0, '{"lines":[],"allocations":[]}'::jsonb)
      ON CONFLICT (order_id, vendor_id) DO NOTHING
      RETURNING id::text`;
    if (tomb.length === 1)
      return { orderId, vendorId, status: "RELEASED" as const, allocations: [], replayed: false };
    const row = await lockReservation(tx, orderId, vendorId);
    if (!row) throw new StockInvariantError(`vendor order ${orderId}/${vendorId} vanished`);
    if (row.status === "RELEASED" || row.status === "OUT_OF_STOCK")
      return toReservation(orderId, vendorId, row, true);
    if (row.status !== "RESERVED")
      throw new StockReservationStateError(orderId, vendorId, "release", row.status);
    const allocations = [...(row.items.allocations ?? [])].sort(byRowKey);
    for (const a of allocations) {
      const n = await tx.$executeRaw`
        UPDATE stock_levels SET reserved = reserved - ${a.quantity}, version = version + 1, updated_at = now()
        WHERE vendor_id = ${vendorId}::uuid AND warehouse_id = ${a.warehouseId}::uuid
          AND product_id = ${a.productId}::uuid AND variant_id IS NOT DISTINCT FROM ${variantOf(a)}::uuid
          AND reserved >= ${a.quantity}`;
      if (n !== 1)
        throw new StockInvariantError(
          `release of ${a.quantity} × ${a.productId} found fewer reserved units`,
        );
      await recordMovement(tx, vendorId, orderId, "release", a, {
        onHand: 0,
        reserved: -a.quantity,
      });
    }
    await announceStock(tx, vendorId, allocations);
    await setReservation(tx, orderId, vendorId, "RELEASED", row.items);
    return { orderId, vendorId, status: "RELEASED" as const, allocations, replayed: false };
  }, TX_OPTIONS);
}

/** After capture: reserved units leave the shelf (on_hand and reserved both drop). Idempotent. */
export async function commitStock(orderId: string, vendorId: string): Promise<StockReservation> {
  // This vendor's rows only (row-level security); run again while the vendor moves between shards.
  return withTenant(vendorId, async (tx) => {
    const row = await lockReservation(tx, orderId, vendorId);
    if (row?.status === "COMMITTED") return toReservation(orderId, vendorId, row, true);
    if (row?.status !== "RESERVED")
      throw new StockReservationStateError(orderId, vendorId, "commit", row?.status ?? null);
    const allocations = [...(row.items.allocations ?? [])].sort(byRowKey);
    for (const a of allocations) {
      const n = await tx.$executeRaw`
        UPDATE stock_levels
        SET on_hand = on_hand - ${a.quantity}, reserved = reserved - ${a.quantity},
            version = version + 1, updated_at = now()
        WHERE vendor_id = ${vendorId}::uuid AND warehouse_id = ${a.warehouseId}::uuid
          AND product_id = ${a.productId}::uuid AND variant_id IS NOT DISTINCT FROM ${variantOf(a)}::uuid
          AND reserved >= ${a.quantity} AND on_hand >= ${a.quantity}`;
      if (n !== 1)
        throw new StockInvariantError(
          `commit of ${a.quantity} × ${a.productId} found fewer reserved units`,
        );
      await recordMovement(tx, vendorId, orderId, "commit", a, {
        onHand: -a.quantity,
        reserved: -a.quantity,
      });
    }
    await announceStock(tx, vendorId, allocations);
    await setReservation(tx, orderId, vendorId, "COMMITTED", row.items);
    return { orderId, vendorId, status: "COMMITTED" as const, allocations, replayed: false };
  }, TX_OPTIONS);
}
