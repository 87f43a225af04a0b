/**
 * Names and responsive widths of uploaded product images, shared by the upload (which writes the
 * files) and the storefront (which builds `srcset` from the one URL a row or a product card
 * carries). An upload lives in its own folder whose name holds a content hash salted with the
 * upload's id (so a new upload never reuses a URL) and the widest rendition's width:
 *
 *   /media/uploads/<productId>/<key>-<maxWidth>/<width>.webp   one per rendition width
 *   /media/uploads/<productId>/<key>-<maxWidth>/<width>.jpg    the fallback (the stored URL)
 */

/** Widths a product image is rendered at (CSS px of a 1x screen up to a 2x tablet). */
export const RESPONSIVE_WIDTHS = [320, 640, 1280] as const;
/** Width of the JPEG every browser can show (also the stored URL of the image). */
export const FALLBACK_WIDTH = 640;
export const UPLOADS_PREFIX = "/media/uploads";

/** Rendition widths of an image `originalWidth` px wide: never enlarged, the widest ≤ 1280. */
export function renditionWidths(originalWidth: number): number[] {
  const widest = Math.min(Math.floor(originalWidth), RESPONSIVE_WIDTHS.at(-1)!);
  return [...RESPONSIVE_WIDTHS.filter((w) => w < widest), widest];
}

export interface UploadNames {
  /** URL of the upload's folder (`/media/uploads/<productId>/<key>-<maxWidth>`). */
  folder: string;
  webp: { width: number; url: string }[];
  fallback: { width: number; url: string };
}

/** Every URL of one upload, from the product, the upload key and the widest rendition's width. */
export function uploadNames(productId: string, key: string, maxWidth: number): UploadNames {
  const folder = `${UPLOADS_PREFIX}/${productId}/${key}-${maxWidth}`;
  const fallbackWidth = Math.min(FALLBACK_WIDTH, maxWidth);
  return {
    folder,
    webp: renditionWidths(maxWidth).map((width) => ({ width, url: `${folder}/${width}.webp` })),
    fallback: { width: fallbackWidth, url: `${folder}/${fallbackWidth}.jpg` },
  };
}

const UPLOAD_URL =
  /^\/media\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([0-9a-f]{16,64})-([1-9]\d{0,4})\/([1-9]\d{0,4})\.jpg$/;

/**
 * The upload a stored URL belongs to, or null for anything else (seeded SVGs, external URLs):
 * those have no renditions and are shown as they are.
 */
export function parseUploadUrl(url: string): UploadNames | null {
  const m = UPLOAD_URL.exec(url);
  if (!m) return null;
  const names = uploadNames(m[1]!, m[2]!, Number(m[3]));
  return names.fallback.url === url ? names : null;
}

/** Every URL an upload serves (what a delete removes and purges from the edge). */
export function allUrlsOf(names: UploadNames): string[] {
  return [...names.webp.map((r) => r.url), names.fallback.url];
}

/** `srcset` value of the WebP renditions (`<url> 320w, <url> 640w, …`), URLs mapped by `toUrl`. */
export function webpSrcSet(names: UploadNames, toUrl: (path: string) => string = (p) => p): string {
  return names.webp.map((r) => `${toUrl(r.url)} ${r.width}w`).join(", ");
}
