/**
 * Server-side resizing of an uploaded product image: turned upright (EXIF orientation), every
 * metadata block dropped (sharp writes none unless asked: no GPS, camera or owner fields reach the
 * CDN), rendered as WebP at each responsive width plus one JPEG fallback for browsers without
 * WebP. Never enlarged.
 */
import { TRPCError } from "@trpc/server";
import sharp, { type Metadata } from "sharp";
import { FALLBACK_WIDTH, renditionWidths } from "../../media/responsive-image.ts";
import { checkImageDimensions, type ImageFormat, MAX_IMAGE_PIXELS } from "./image-validation.ts";

export interface Rendition {
  width: number;
  height: number;
  format: "webp" | "jpeg";
  bytes: Buffer;
}

export interface RenderedImage {
  /** Upright size of the uploaded image. */
  original: { width: number; height: number; format: ImageFormat };
  /** WebP renditions, narrowest first. */
  webp: Rendition[];
  fallback: Rendition;
}

const WEBP_QUALITY = 80;
const JPEG_QUALITY = 82;

function undecodable(err: unknown): TRPCError {
  return new TRPCError({
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "The file looks like an image but cannot be decoded.",
    cause: err,
  });
}

export async function renderRenditions(
  bytes: Uint8Array,
  format: ImageFormat,
): Promise<RenderedImage> {
  // failOn "error": a truncated or corrupt file is refused instead of rendered half-grey.
  const input = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" });
  let meta: Metadata;
  try {
    meta = await input.metadata();
  } catch (err) {
    throw undecodable(err);
  }
  if (meta.format !== format)
    throw undecodable(new Error(`sniffed ${format}, decoded ${meta.format}`));
  const { width, height } = meta.autoOrient;
  checkImageDimensions(width, height);
  const upright = input.autoOrient();

  const render = async (w: number, as: "webp" | "jpeg"): Promise<Rendition> => {
    const resized = upright.clone().resize({ width: w, withoutEnlargement: true });
    const encoded =
      as === "webp"
        ? resized.webp({ quality: WEBP_QUALITY })
        : resized.flatten({ background: "#ffffff" }).jpeg({ quality: JPEG_QUALITY, mozjpeg: true });
    try {
      const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, format: as, bytes: data };
    } catch (err) {
      throw undecodable(err);
    }
  };
  const widths = renditionWidths(width);
  // One at a time: the machine's cores are shared with the request handlers.
  const webp: Rendition[] = [];
  for (const w of widths) webp.push(await render(w, "webp"));
  const fallback = await render(Math.min(FALLBACK_WIDTH, widths.at(-1)!), "jpeg");
  return { original: { width, height, format }, webp, fallback };
}
