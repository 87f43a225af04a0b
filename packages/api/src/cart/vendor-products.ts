/**
 * What the cart needs to know about a vendor's products right now: title, price, status, first
 * image and available stock (Σ on_hand − reserved over warehouses) — of the product's own stock
 * and of each variant asked for, since a line reserves from exactly those rows. Read on the vendor's shard
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
  /** The product's own stock (rows without a variant). */
  available: number;
  /** True when some variant of the product has stock rows: the shopper must pick a variant. */
  stockByVariant: boolean;
  imageUrl: string | null;
}

export interface VariantNow {
  variantId: string;
  productId: string;
  title: string;
  /** The variant's own price, or its product's when it has none. */
  priceCents: number;
  available: number;
}

export interface VendorProducts {
  vendorName: string;
  products: Map<string, ProductNow>;
  variants: Map<string, VariantNow>;
}

export async function vendorProducts(
  vendorId: string,
  productIds: string[],
  variantIds: string[] = [],
): Promise<VendorProducts> {
  const db = await forVendor(vendorId);
  const { value } = await db.read({ level: "bounded", maxLagMs: CART_MAX_LAG_MS }, async (tx) => {
    // Row-level security: the read sees only this tenant's rows.
    await setTenant(tx, vendorId);
    const [vendor, products, variants, stock, media] = await Promise.all([
      tx.vendor.findUnique({ where: { id: vendorId }, select: { name: true } }),
      tx.product.findMany({
        where: { vendorId, id: { in: productIds } },
        select: { id: true, title: true, priceCents: true, status: true },
      }),
      tx.productVariant.findMany({
        where: { vendorId, id: { in: variantIds }, productId: { in: productIds } },
        select: { id: true, productId: true, title: true, priceCents: true },
      }),
      tx.stockLevel.groupBy({
        by: ["productId", "variantId"],
        where: { vendorId, productId: { in: productIds } },
        _sum: { onHand: true, reserved: true },
      }),
      tx.media.findMany({
        where: { vendorId, productId: { in: productIds }, kind: "image" },
        orderBy: { position: "asc" },
        select: { productId: true, url: true },
      }),
    ]);
    return { vendor, products, variants, stock, media };
  });
  // Keyed by product for the product's own rows, by variant id for a variant's.
  const available = new Map<string, number>();
  const byVariant = new Set<string>();
  for (const s of value.stock) {
    available.set(s.variantId ?? s.productId, (s._sum.onHand ?? 0) - (s._sum.reserved ?? 0));
    if (s.variantId) byVariant.add(s.productId);
  }
  const productPrice = new Map(value.products.map((p) => [p.id, p.priceCents]));
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
          stockByVariant: byVariant.has(p.id),
          imageUrl: image.get(p.id) ?? null,
        },
      ]),
    ),
    variants: new Map(
      value.variants.map((v) => [
        v.id,
        {
          variantId: v.id,
          productId: v.productId,
          title: v.title,
          priceCents: v.priceCents ?? productPrice.get(v.productId) ?? 0,
          available: Math.max(0, available.get(v.id) ?? 0),
        },
      ]),
    ),
  };
}
