/**
 * What the portal accepts as a product video, checked before anything is decoded: size first,
 * then the file's own first bytes (an ISO-BMFF `ftyp` box for MP4/QuickTime, the EBML header with
 * the `webm` doctype for WebM), never its name or the browser's Content-Type. What passes is
 * probed (ffprobe) and transcoded; these limits bound what that costs.
 */
import { TRPCError } from "@trpc/server";

/** A minute of phone video at 1080p is ~100 MB; product clips are short. */
export const MAX_VIDEO_BYTES = 64 * 1024 * 1024;
export const MAX_VIDEO_SECONDS = 180;
export const MAX_VIDEOS_PER_PRODUCT = 3;
/** The transcode's bound: at most 1280×720, never enlarged. */
export const VIDEO_MAX_WIDTH = 1280;
export const VIDEO_MAX_HEIGHT = 720;

export type VideoContainer = "mp4" | "quicktime" | "webm";

const ascii = (b: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** The container the bytes really are, or null (anything else, Matroska that is not WebM, …). */
export function sniffVideoContainer(bytes: Uint8Array): VideoContainer | null {
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === "ftyp")
    return ascii(bytes, 8, 12) === "qt  " ? "quicktime" : "mp4";
  // Older QuickTime files start with a wide/mdat/moov atom instead of ftyp.
  if (bytes.length >= 8 && ["moov", "mdat", "wide"].includes(ascii(bytes, 4, 8)))
    return "quicktime";
  if (
    bytes.length >= 4 &&
    bytes[0] === 0x1a &&
    bytes[1] === 0x45 &&
    bytes[2] === 0xdf &&
    bytes[3] === 0xa3
  )
    return ascii(bytes, 4, 64).includes("webm") ? "webm" : null;
  return null;
}

/** Refuses empty, oversize and non-video uploads with the 4xx a route handler should answer. */
export function checkVideoBytes(bytes: Uint8Array): VideoContainer {
  if (bytes.byteLength === 0)
    throw new TRPCError({ code: "BAD_REQUEST", message: "The file is empty." });
  if (bytes.byteLength > MAX_VIDEO_BYTES)
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `The video is larger than ${MAX_VIDEO_BYTES / 1024 / 1024} MB.`,
    });
  const container = sniffVideoContainer(bytes);
  if (!container)
    throw new TRPCError({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Upload an MP4, WebM or QuickTime (.mov) video.",
    });
  return container;
}

/** Refuses what ffprobe found unusable: no picture, too long. */
export function checkVideoProbe(probe: { durationMs: number; video?: unknown }): void {
  if (!probe.video)
    throw new TRPCError({
      code: "UNPROCESSABLE_CONTENT",
      message: "The file has no video track.",
    });
  if (probe.durationMs > MAX_VIDEO_SECONDS * 1000)
    throw new TRPCError({
      code: "UNPROCESSABLE_CONTENT",
      message: `The video is longer than ${MAX_VIDEO_SECONDS / 60} minutes.`,
    });
}

/** `scale` filter: fit inside 1280×720 keeping the aspect ratio, never enlarge, even sizes (H.264). */
export const VIDEO_SCALE_FILTER = `scale='min(${VIDEO_MAX_WIDTH},iw)':'min(${VIDEO_MAX_HEIGHT},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2`;
