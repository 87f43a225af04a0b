/**
 * What the portal accepts as a product document (manual, spec sheet): PDF only, recognised by its
 * own header (`%PDF-`), never by its name or the browser's Content-Type, within a size limit.
 */
import { TRPCError } from "@trpc/server";

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const MAX_DOCUMENTS_PER_PRODUCT = 6;
/** Width of the first-page thumbnail, in px. */
export const DOCUMENT_THUMBNAIL_WIDTH = 480;

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length >= PDF_MAGIC.length && PDF_MAGIC.every((b, i) => bytes[i] === b);
}

export function checkDocumentBytes(bytes: Uint8Array): void {
  if (bytes.byteLength === 0)
    throw new TRPCError({ code: "BAD_REQUEST", message: "The file is empty." });
  if (bytes.byteLength > MAX_DOCUMENT_BYTES)
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `The document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`,
    });
  if (!isPdf(bytes))
    throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: "Upload a PDF document." });
}

/** A display name from the uploaded file's name: no path, no control characters, bounded. */
export function documentFileName(name: string | undefined): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join("")
    .trim()
    .slice(0, 120);
  return clean.length > 0 ? clean : "document.pdf";
}
