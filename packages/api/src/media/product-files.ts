/**
 * Names of a product's uploaded videos and documents, shared by the upload (which writes the
 * files), the transcode job, the delete (which purges them) and the storefront. Each upload has
 * its own folder, named by a content hash salted with the upload's id (a new upload never reuses a
 * URL, so the edge may keep every URL for a year) and its kind:
 *
 *   /media/uploads/<productId>/<key>-video/video.mp4   H.264/AAC, moov atom first (+faststart)
 *   /media/uploads/<productId>/<key>-video/poster.jpg  the poster frame
 *   /media/uploads/<productId>/<key>-pdf/document.pdf  the vendor's PDF as uploaded
 *   /media/uploads/<productId>/<key>-pdf/page-1.jpg    its first page
 */
import { UPLOADS_PREFIX } from "./responsive-image.ts";

export type ProductFileKind = "video" | "document";

export interface ProductFileNames {
  folder: string;
  /** The stored URL of the row: the video or the PDF. */
  url: string;
  /** Poster frame of a video, first-page thumbnail of a document. */
  posterUrl: string;
}

const FOLDER_SUFFIX: Readonly<Record<ProductFileKind, string>> = {
  video: "video",
  document: "pdf",
};

export function productFileNames(
  productId: string,
  key: string,
  kind: ProductFileKind,
): ProductFileNames {
  const folder = `${UPLOADS_PREFIX}/${productId}/${key}-${FOLDER_SUFFIX[kind]}`;
  return kind === "video"
    ? { folder, url: `${folder}/video.mp4`, posterUrl: `${folder}/poster.jpg` }
    : { folder, url: `${folder}/document.pdf`, posterUrl: `${folder}/page-1.jpg` };
}

const FILE_URL =
  /^\/media\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([0-9a-f]{16,64})-(video|pdf)\/(video\.mp4|document\.pdf)$/;

/** The upload a stored video or document URL belongs to, or null for anything else. */
export function parseProductFileUrl(
  url: string,
): (ProductFileNames & { kind: ProductFileKind }) | null {
  const m = FILE_URL.exec(url);
  if (!m) return null;
  const kind: ProductFileKind = m[3] === "video" ? "video" : "document";
  const names = productFileNames(m[1]!, m[2]!, kind);
  return names.url === url ? { ...names, kind } : null;
}
