/**
 * Catalog events on a vendor shard's outbox, written inside the caller's transaction so the event
 * exists exactly when the change does (transactional outbox). Consumers: the search projection
 * (core `catalog_search`) and the live-stock push. Contract: topic = aggregate_type, aggregate_id =
 * productId, payloads below.
 */
import { z } from "zod";
import { traceHeaders } from "@agora/telemetry";

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

export const variantAvailabilitySchema = z.object({
  variantId: z.uuid(),
  /** Sum over warehouses of the variant's (on_hand - reserved). */
  available: z.number().int(),
});
export type VariantAvailability = z.infer<typeof variantAvailabilitySchema>;

export const stockChangedSchema = z.object({
  productId: z.uuid(),
  vendorId: z.uuid(),
  /**
   * Sum over warehouses of (on_hand - reserved) after the change, over every row of the product
   * (its own and all its variants'): > 0 exactly when some variant (or the product) is in stock.
   */
  available: z.number().int(),
  /**
   * Every variant that has stock rows, with its own sum; a variant not listed has none. Optional:
   * events written before variant stock existed carry no list.
   */
  variants: z.array(variantAvailabilitySchema).optional(),
});
export type StockChanged = z.infer<typeof stockChangedSchema>;

/** What a product has available right now: its total and per variant (sorted by variant id). */
export interface ProductAvailability {
  available: number;
  variants: VariantAvailability[];
}

/**
 * Reads a product's availability inside `tx` (scoped to the vendor under row-level security).
 * Shared by the StockChanged event and the live gateway's re-sync snapshot, so both say the same.
 */
export async function productAvailability(
  tx: Pick<OutboxTx, "$queryRawUnsafe">,
  vendorId: string,
  productId: string,
): Promise<ProductAvailability> {
  const rows = await tx.$queryRawUnsafe<{ variant_id: string | null; available: number }[]>(
    `SELECT variant_id::text AS variant_id, sum(on_hand - reserved)::int AS available
       FROM stock_levels WHERE vendor_id = $1::uuid AND product_id = $2::uuid
      GROUP BY variant_id
      ORDER BY variant_id NULLS FIRST`,
    vendorId,
    productId,
  );
  const variants: VariantAvailability[] = [];
  let available = 0;
  for (const r of rows) {
    available += Number(r.available);
    if (r.variant_id) variants.push({ variantId: r.variant_id, available: Number(r.available) });
  }
  return { available, variants };
}

async function insertOutbox(
  tx: OutboxTx,
  vendorId: string,
  topic: string,
  aggregateId: string,
  eventType: string,
  payload: unknown,
): Promise<void> {
  // The writer's trace context travels with the row: the relay and every consumer (search
  // projection, live-stock push) continue the trace of the vendor edit or checkout that caused it.
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox (vendor_id, aggregate_type, aggregate_id, event_type, payload, headers)
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6::jsonb)`,
    vendorId,
    topic,
    aggregateId,
    eventType,
    JSON.stringify(payload),
    JSON.stringify(traceHeaders()),
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
  const { available, variants } = await productAvailability(tx, vendorId, productId);
  const payload: StockChanged = { productId, vendorId, available, variants };
  await insertOutbox(tx, vendorId, STOCK_TOPIC, productId, "StockChanged", payload);
  return payload;
}
