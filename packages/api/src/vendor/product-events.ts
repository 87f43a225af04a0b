/** The `ProductUpserted` outbox event of a product, in the transaction that changed it. */
import { emitProductUpserted, type ShardTransaction } from "@agora/db";
import type { ProductView } from "./product-rows.ts";

export async function announceProduct(
  tx: ShardTransaction,
  vendorId: string,
  product: ProductView,
): Promise<void> {
  const vendor = await tx.vendor.findUnique({ where: { id: vendorId }, select: { name: true } });
  await emitProductUpserted(tx, {
    productId: product.id,
    vendorId,
    vendorName: vendor?.name ?? "",
    title: product.title,
    description: product.description,
    categorySlug: product.categorySlug,
    priceCents: product.priceCents,
    currency: product.currency,
    imageUrl: product.imageUrl,
    status: product.status as "draft" | "active" | "archived",
    version: product.version,
  });
}
