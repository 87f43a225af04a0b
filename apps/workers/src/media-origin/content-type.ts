/** Content types the media origin serves; anything else is refused rather than guessed. */
import { extname } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".gif": "image/gif",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".pdf": "application/pdf",
};

export function contentTypeOf(path: string): string | undefined {
  return TYPES[extname(path).toLowerCase()];
}
