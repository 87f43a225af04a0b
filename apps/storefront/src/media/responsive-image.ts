/**
 * Stored image URL → what a `<Picture>` needs: the fallback on the CDN plus, for uploaded images,
 * a WebP `srcset` of every rendition with the slot's `sizes`. Seeded SVGs stay a single URL.
 */
import { parseUploadUrl, webpSrcSet } from "@agora/api/media";
import type { PictureSource } from "@agora/ui";
import { mediaUrl } from "./cdn.ts";

/** Slot widths: product grid (2/3/4 columns), the product page's main image, gallery thumbnails. */
export const IMAGE_SIZES = {
  card: "(min-width: 1024px) 25vw, (min-width: 640px) 33vw, 50vw",
  main: "(min-width: 768px) 50vw, 100vw",
  thumbnail: "80px",
} as const;

export function responsiveImage(
  url: string,
  sizes: string,
): { src: string; sources: PictureSource[] } {
  const upload = parseUploadUrl(url);
  return {
    src: mediaUrl(url),
    sources: upload ? [{ type: "image/webp", srcSet: webpSrcSet(upload, mediaUrl), sizes }] : [],
  };
}
