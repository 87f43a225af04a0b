import { appCdn } from "@agora/api/media";
import {
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS_PER_PRODUCT,
  MAX_VIDEO_BYTES,
  MAX_VIDEO_SECONDS,
  MAX_VIDEOS_PER_PRODUCT,
} from "@agora/api/vendor-media";
import { ProductFilesPanel } from "./product-files.tsx";
import { ProductMediaPanel } from "./product-media.tsx";

/** The product editor's media sections, with the CDN origin their thumbnails load from. */
export function ProductMediaSection({ productId }: { productId: string }) {
  const cdnUrl = appCdn().url;
  return (
    <>
      <ProductMediaPanel productId={productId} cdnUrl={cdnUrl} />
      <ProductFilesPanel
        productId={productId}
        cdnUrl={cdnUrl}
        limits={{
          videoMb: MAX_VIDEO_BYTES / 1024 / 1024,
          videoMinutes: MAX_VIDEO_SECONDS / 60,
          videos: MAX_VIDEOS_PER_PRODUCT,
          documentMb: MAX_DOCUMENT_BYTES / 1024 / 1024,
          documents: MAX_DOCUMENTS_PER_PRODUCT,
        }}
      />
    </>
  );
}
