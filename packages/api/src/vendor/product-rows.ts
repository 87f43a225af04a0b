/** How a vendor's product is read from its shard and shaped for the portal. */
import type { ShardTransaction } from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { EditableProduct } from "./product-conflict.ts";

export const productSelect = {
  id: true,
  vendorId: true,
  sku: true,
  title: true,
  description: true,
  categoryId: true,
  categorySlug: true,
  priceCents: true,
  currency: true,
  status: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  variants: {
    select: { id: true, sku: true, title: true, priceCents: true, attributes: true },
    orderBy: { sku: "asc" as const },
  },
  media: {
    where: { kind: "image" },
    select: { url: true },
    orderBy: { position: "asc" as const },
    take: 1,
  },
  stock: { select: { onHand: true, reserved: true } },
} as const;

export interface VariantView {
  id: string;
  sku: string;
  title: string;
  size: string | null;
  colour: string | null;
  priceCents: number | null;
}

export interface ProductView extends EditableProduct {
  id: string;
  categoryId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  imageUrl: string | null;
  /** Sum over warehouses of on_hand - reserved. */
  available: number;
  variants: VariantView[];
}

type Row = Awaited<ReturnType<typeof findProductRow>>;

function attribute(attrs: unknown, key: string): string | null {
  if (attrs && typeof attrs === "object" && key in attrs) {
    const v = (attrs as Record<string, unknown>)[key];
    return typeof v === "string" ? v : null;
  }
  return null;
}

export function toProductView(row: NonNullable<Row>): ProductView {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    description: row.description,
    categoryId: row.categoryId,
    categorySlug: row.categorySlug,
    priceCents: row.priceCents,
    currency: row.currency,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    imageUrl: row.media[0]?.url ?? null,
    available: row.stock.reduce((n, s) => n + s.onHand - s.reserved, 0),
    variants: row.variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      title: v.title,
      priceCents: v.priceCents,
      size: attribute(v.attributes, "size"),
      colour: attribute(v.attributes, "colour"),
    })),
  };
}

export async function findProductRow(tx: ShardTransaction, vendorId: string, productId: string) {
  // vendorId in the filter as well as row-level security: two independent locks on the same door.
  return tx.product.findFirst({ where: { id: productId, vendorId }, select: productSelect });
}

export async function loadProduct(
  tx: ShardTransaction,
  vendorId: string,
  productId: string,
): Promise<ProductView> {
  const row = await findProductRow(tx, vendorId, productId);
  if (!row)
    throw new TRPCError({ code: "NOT_FOUND", message: `No product ${productId} in your shop.` });
  return toProductView(row);
}
