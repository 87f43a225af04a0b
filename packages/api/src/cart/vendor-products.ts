/**
 * What the cart needs to know about a vendor's products right now: title, price, status, first
 * image and available stock (Σ on_hand − reserved over warehouses). Read on the vendor's shard
 * with bounded staleness — a replica may answer if it is at most CART_MAX_LAG_MS behind, which is
 * plenty for a cart; placement re-prices on the primary anyway.
 */
import { forVendor, isRetryable, setTenant } from "@agora/db";

export const CART_MAX_LAG_MS = 2_000;

/**
 * The shard did not answer in time: down, failing over, or no pooled connection within the
 * transaction's wait (Prisma P2028, which the data layer does not classify as an outage).
 */
export function shardUnanswered(err: unknown): boolean {
  return isRetryable(err) || (err instanceof Error && "code" in err && err.code === "P2028");
}

export interface ProductNow {
  productId: string;
  title: string;
  priceCents: number;
  active: boolean;
  available: number;
  imageUrl: string | null;
}

export interface VendorProducts {
  vendorName: string;
  products: Map<string, ProductNow>;
}

export async function vendorProducts(
  vendorId: string,
  productIds: string[],
): Promise<VendorProducts> {
  const db = await forVendor(vendorId);
  const { value } = await db.read({ level: "bounded", maxLagMs: CART_MAX_LAG_MS }, async (tx) => {
    // Row-level security: the read sees only this tenant's rows.
    await setTenant(tx, vendorId);
    const [vendor, products, stock, media] = await Promise.all([
      tx.vendor.findUnique({ where: { id: vendorId }, select: { name: true } }),
      tx.product.findMany({
        where: { vendorId, id: { in: productIds } },
        select: { id: true, title: true, priceCents: true, status: true },
      }),
      tx.stockLevel.groupBy({
        by: ["productId"],
        where: { vendorId, productId: { in: productIds } },
        _sum: { onHand: true, reserved: true },
      }),
      tx.media.findMany({
        where: { vendorId, productId: { in: productIds } },
        orderBy: { position: "asc" },
        select: { productId: true, url: true },
      }),
    ]);
    return { vendor, products, stock, media };
  });
  const available = new Map(
    value.stock.map((s) => [s.productId, (s._sum.onHand ?? 0) - (s._sum.reserved ?? 0)]),
  );
  const image = new Map<string, string>();
  for (const m of value.media) if (!image.has(m.productId)) image.set(m.productId, m.url);
  return {
    vendorName: value.vendor?.name ?? "",
    products: new Map(
      value.products.map((p) => [
        p.id,
        {
          productId: p.id,
          title: p.title,
          priceCents: p.priceCents,
          active: p.status === "active",
          available: Math.max(0, available.get(p.id) ?? 0),
          imageUrl: image.get(p.id) ?? null,
        },
      ]),
    ),
  };
}
