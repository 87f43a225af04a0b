/**
 * The current availability of a product, sent to a client when it (re)subscribes: pushes missed
 * while disconnected are not replayed, so every (re)connect starts from the shard's current sum.
 */
import {
  core,
  type ProductAvailability,
  productAvailability,
  shardNames,
  withPlatformScope,
  withRetry,
  withTenant,
} from "@agora/db";

/** Products never change vendor, so the lookup is cached for the life of the process. */
const vendorOfProduct = new Map<string, string>();

async function vendorOf(productId: string): Promise<string | null> {
  const cached = vendorOfProduct.get(productId);
  if (cached) return cached;
  const { value } = await core().read({ level: "eventual" }, (db) =>
    db.$queryRawUnsafe<{ vendor_id: string }[]>(
      `SELECT vendor_id::text AS vendor_id FROM catalog_search WHERE product_id = $1::uuid`,
      productId,
    ),
  );
  // The search read model may lag a brand-new product: ask the shards themselves then.
  const vendorId = value[0]?.vendor_id ?? (await vendorFromShards(productId));
  if (vendorId) vendorOfProduct.set(productId, vendorId);
  return vendorId;
}

async function vendorFromShards(productId: string): Promise<string | null> {
  for (const name of shardNames()) {
    const rows = await withPlatformScope(name, (tx) =>
      tx.$queryRawUnsafe<{ vendor_id: string }[]>(
        `SELECT vendor_id::text AS vendor_id FROM products WHERE id = $1::uuid`,
        productId,
      ),
    );
    if (rows[0]) return rows[0].vendor_id;
  }
  return null;
}

/**
 * Units available over all warehouses (in total and per variant), from the vendor's shard primary;
 * null for an unknown product. A read, so retried (bounded, jittered) across a failover or a slow
 * connect.
 */
export function currentAvailability(productId: string): Promise<ProductAvailability | null> {
  return withRetry(() => readAvailability(productId), { attempts: 3, baseDelayMs: 200 });
}

async function readAvailability(productId: string): Promise<ProductAvailability | null> {
  const vendorId = await vendorOf(productId);
  if (!vendorId) return null;
  return withTenant(vendorId, (tx) => productAvailability(tx, vendorId, productId), {
    maxWait: 2_000,
    timeout: 5_000,
  });
}
