/**
 * Catalog events on a vendor shard's outbox, written inside the caller's transaction so the event
 * exists exactly when the change does (transactional outbox). Consumers: the search projection
 * (core `catalog_search`) and the live-stock push. Contract: topic = aggregate_type, aggregate_id =
 * productId, payloads below.
 */
import { z } from "zod";

/** The raw-SQL surface of a shard transaction (a Prisma interactive transaction fits). */
export interface OutboxTx {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export const PRODUCT_TOPIC = "product";
export const STOCK_TOPIC = "stock";

export const productUpsertedSchema = z.object({
  productId: z.uuid(),
  vendorId: z.uuid(),
  vendorName: z.string(),
  title: z.string(),
  description: z.string(),
  categorySlug: z.string(),
  priceCents: z.number().int().min(0),
  currency: z.string(),
  imageUrl: z.string().nullable(),
  status: z.enum(["draft", "active", "archived"]),
  /** The product row's version after the change: newer versions win in every read model. */
  version: z.number().int().positive(),
});
export type ProductUpserted = z.infer<typeof productUpsertedSchema>;

export const stockChangedSchema = z.object({
  productId: z.uuid(),
  vendorId: z.uuid(),
  /** Sum over warehouses of (on_hand - reserved) after the change. */
  available: z.number().int(),
});
export type StockChanged = z.infer<typeof stockChangedSchema>;

async function insertOutbox(
  tx: OutboxTx,
  vendorId: string,
  topic: string,
  aggregateId: string,
  eventType: string,
  payload: unknown,
): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox (vendor_id, aggregate_type, aggregate_id, event_type, payload)
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb)`,
    vendorId,
    topic,
    aggregateId,
    eventType,
    JSON.stringify(payload),
  );
}

/** Announces a product create/update/archive; call in the transaction that changed the row. */
export async function emitProductUpserted(tx: OutboxTx, payload: ProductUpserted): Promise<void> {
  const p = productUpsertedSchema.parse(payload);
  await insertOutbox(tx, p.vendorId, PRODUCT_TOPIC, p.productId, "ProductUpserted", p);
}

/**
 * Announces a product's availability after a stock change. It reads the sum inside `tx`, after the
 * caller's update, so the payload is what this transaction commits (rows it changed are locked
 * until then, so a concurrent change's event carries a later outbox id and a later sum). The
 * transaction must be scoped to the vendor (setTenant) like any shard write under row-level security.
 */
export async function emitStockChanged(
  tx: OutboxTx,
  vendorId: string,
  productId: string,
): Promise<StockChanged> {
  const rows = await tx.$queryRawUnsafe<{ available: number | bigint | null }[]>(
    `SELECT COALESCE(sum(on_hand - reserved), 0)::int AS available
     FROM stock_levels WHERE vendor_id = $1::uuid AND product_id = $2::uuid`,
    vendorId,
    productId,
  );
  const payload: StockChanged = {
    productId,
    vendorId,
    available: Number(rows[0]?.available ?? 0),
  };
  await insertOutbox(tx, vendorId, STOCK_TOPIC, productId, "StockChanged", payload);
  return payload;
}
