import { core, forVendor, type ServedBy, setTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { cachedProduct } from "../cache/catalog-caches.ts";

export const productInput = z.object({ productId: z.uuid() });

export interface ProductDetail {
  productId: string;
  vendor: { id: string; name: string; slug: string };
  title: string;
  description: string;
  categorySlug: string;
  priceCents: number;
  currency: string;
  status: string;
  variants: ProductVariantDetail[];
  /** True when the product keeps stock per variant: the shopper picks one to buy. */
  stockByVariant: boolean;
  /** CDN paths (`/media/...`), first = main image. */
  media: { url: string; contentType: string; width: number | null; height: number | null }[];
  /** Transcoded videos (ready ones only), CDN paths of the MP4 and its poster frame. */
  videos: ProductVideo[];
  /** PDF manuals and spec sheets, with their first-page thumbnails. */
  documents: ProductDocument[];
  /**
   * Sum over warehouses of on_hand - reserved at read time, over the product's own rows and all
   * its variants' (live updates come over Socket.IO).
   */
  available: number;
  servedBy: ServedBy;
}

export interface ProductVideo {
  url: string;
  posterUrl: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

export interface ProductDocument {
  url: string;
  thumbnailUrl: string | null;
  fileName: string;
  bytes: number | null;
  pageCount: number | null;
}

export interface ProductVariantDetail {
  id: string;
  sku: string;
  title: string;
  priceCents: number | null;
  /** Picker dimensions, e.g. { size: "M", colour: "red" }. */
  attributes: Record<string, string>;
  /** The variant's own units over warehouses at read time. */
  available: number;
}

/** Only string attributes reach the picker; anything else in the JSON column is ignored. */
function attributesOf(json: unknown): Record<string, string> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(
    Object.entries(json).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Replica lag a product page tolerates before the vendor's shard primary is asked instead. */
const MAX_LAG_MS = 1_000;

/**
 * The product page, from the vendor's shard (the source of truth, not the read model): the core
 * read model only tells which vendor — and so which shard — owns the product.
 */
export async function productDetail(productId: string): Promise<ProductDetail> {
  return cachedProduct(productId, async () => {
    const owner = await core().read({ level: "eventual" }, (db) =>
      db.catalogSearch.findUnique({ where: { productId }, select: { vendorId: true } }),
    );
    if (!owner.value) throw new TRPCError({ code: "NOT_FOUND", message: "no such product" });
    const vendorId = owner.value.vendorId;
    const shard = await forVendor(vendorId);
    const { value: p, servedBy } = await shard.read(
      { level: "bounded", maxLagMs: MAX_LAG_MS },
      async (db) => {
        // Row-level security: the read sees only this tenant's rows.
        await setTenant(db, vendorId);
        return db.product.findUnique({
          where: { vendorId_id: { vendorId, id: productId } },
          select: {
            id: true,
            title: true,
            description: true,
            categorySlug: true,
            priceCents: true,
            currency: true,
            status: true,
            vendor: { select: { id: true, name: true, slug: true } },
            variants: {
              select: { id: true, sku: true, title: true, priceCents: true, attributes: true },
              orderBy: { sku: "asc" },
            },
            media: {
              where: { status: "ready" },
              select: {
                kind: true,
                url: true,
                contentType: true,
                width: true,
                height: true,
                posterUrl: true,
                durationMs: true,
                bytes: true,
                pageCount: true,
                fileName: true,
              },
              orderBy: [{ position: "asc" }, { createdAt: "asc" }],
            },
            stock: { select: { onHand: true, reserved: true, variantId: true } },
          },
        });
      },
    );
    if (!p || p.status === "draft")
      throw new TRPCError({ code: "NOT_FOUND", message: "no such product" });
    return {
      productId: p.id,
      vendor: p.vendor,
      title: p.title,
      description: p.description,
      categorySlug: p.categorySlug,
      priceCents: p.priceCents,
      currency: p.currency,
      status: p.status,
      variants: p.variants.map((v) => ({
        id: v.id,
        sku: v.sku,
        title: v.title,
        priceCents: v.priceCents,
        attributes: attributesOf(v.attributes),
        available: p.stock
          .filter((s) => s.variantId === v.id)
          .reduce((sum, s) => sum + s.onHand - s.reserved, 0),
      })),
      stockByVariant: p.stock.some((s) => s.variantId !== null),
      media: p.media
        .filter((m) => m.kind === "image")
        .map((m) => ({ url: m.url, contentType: m.contentType, width: m.width, height: m.height })),
      videos: p.media
        .filter((m) => m.kind === "video")
        .map((m) => ({
          url: m.url,
          posterUrl: m.posterUrl,
          width: m.width,
          height: m.height,
          durationMs: m.durationMs,
        })),
      documents: p.media
        .filter((m) => m.kind === "document")
        .map((m) => ({
          url: m.url,
          thumbnailUrl: m.posterUrl,
          fileName: m.fileName ?? "document.pdf",
          bytes: m.bytes,
          pageCount: m.pageCount,
        })),
      available: p.stock.reduce((sum, s) => sum + s.onHand - s.reserved, 0),
      servedBy,
    };
  });
}
