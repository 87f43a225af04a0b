/**
 * What the portal accepts as a product image, checked before anything is decoded or written:
 * size limits first, then the file's own first bytes (its magic number), never its name or the
 * browser's Content-Type.
 */
import { TRPCError } from "@trpc/server";

/** A phone photo is 2–8 MB; anything far larger is a mistake (or an attack), not a product shot. */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
/** Decoding bound: sharp refuses inputs with more pixels (a tiny "pixel bomb" PNG included). */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Narrower images would look broken even in a product card. */
export const MIN_IMAGE_WIDTH = 200;
export const MIN_IMAGE_HEIGHT = 150;
/** Images per product. */
export const MAX_IMAGES_PER_PRODUCT = 12;

export type ImageFormat = "jpeg" | "png" | "webp";

const startsWith = (b: Uint8Array, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

/** The image format the bytes really are, or null (text, PDF, SVG, HTML, executables, …). */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  // RIFF....WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return "webp";
  return null;
}

/** Refuses empty, oversize and non-image uploads with the 4xx a route handler should answer. */
export function checkImageBytes(bytes: Uint8Array): ImageFormat {
  if (bytes.byteLength === 0)
    throw new TRPCError({ code: "BAD_REQUEST", message: "The file is empty." });
  if (bytes.byteLength > MAX_IMAGE_BYTES)
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.`,
    });
  const format = sniffImageFormat(bytes);
  if (!format)
    throw new TRPCError({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Upload a JPEG, PNG or WebP image.",
    });
  return format;
}

/** Refuses images whose (upright) dimensions are too small to show or too large to decode. */
export function checkImageDimensions(width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS)
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `The image has more than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels.`,
    });
  if (width < MIN_IMAGE_WIDTH || height < MIN_IMAGE_HEIGHT)
    throw new TRPCError({
      code: "UNPROCESSABLE_CONTENT",
      message: `The image must be at least ${MIN_IMAGE_WIDTH}×${MIN_IMAGE_HEIGHT} px (it is ${width}×${height}).`,
    });
}
