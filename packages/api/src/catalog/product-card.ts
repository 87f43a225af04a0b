/** The product summary every list shows (home, category pages, search), read from `catalog_search`. */
export interface ProductCard {
  productId: string;
  vendorId: string;
  vendorName: string;
  title: string;
  categorySlug: string;
  priceCents: number;
  currency: string;
  /** CDN path (`/media/...`); the app prefixes its CDN origin. */
  imageUrl: string | null;
  inStock: boolean;
  available: number | null;
}

export const PRODUCT_CARD_COLUMNS = `product_id::text AS "productId", vendor_id::text AS "vendorId",
  vendor_name AS "vendorName", title, category_slug AS "categorySlug", price_cents AS "priceCents",
  currency, image_url AS "imageUrl", in_stock AS "inStock", available`;

/** Only products a shopper may see. */
export const VISIBLE = `status = 'active'`;
