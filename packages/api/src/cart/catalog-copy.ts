/**
 * Carts are AP (docs/adr/0010): outside the core region, while the vendor's shard cannot be reached
 * over the region link, a line is still added from this region's copy of the catalog read model
 * (core's `catalog_search`, replicated to the local standby) — its title and list price as of the
 * copy's age. Nothing is promised by it: placement re-prices every line on the shard primaries,
 * and checkout is refused anyway until the link is back.
 */
import { core } from "@agora/db";
import type { VendorProducts } from "./vendor-products.ts";

export async function vendorProductsFromCatalogCopy(
  vendorId: string,
  productId: string,
  variantIds: string[],
): Promise<VendorProducts> {
  const { value: rows } = await core().read({ level: "eventual" }, (tx) =>
    tx.$queryRaw<{ title: string; vendor_name: string; price_cents: number; in_stock: boolean; image_url: string | null }[]>`
      SELECT title, vendor_name, price_cents, in_stock, image_url FROM catalog_search
      WHERE product_id = ${productId}::uuid AND vendor_id = ${vendorId}::uuid`,
  );
  const row = rows[0];
  const products: VendorProducts["products"] = new Map();
  const variants: VendorProducts["variants"] = new Map();
  if (row) {
    products.set(productId, {
      productId,
      title: row.title,
      priceCents: row.price_cents,
      active: true,
      available: row.in_stock ? 1 : 0,
      // The copy does not know the variants' own stock; a chosen variant is taken at its word.
      stockByVariant: false,
      imageUrl: row.image_url,
    });
    for (const variantId of variantIds)
      variants.set(variantId, { variantId, productId, title: "", priceCents: row.price_cents, available: row.in_stock ? 1 : 0 });
  }
  return { vendorName: row?.vendor_name ?? "", products, variants };
}
