import { appCdn } from "@agora/api/media";
import { ProductMediaPanel } from "./product-media.tsx";

/** The product editor's image section, with the CDN origin its thumbnails load from. */
export function ProductMediaSection({ productId }: { productId: string }) {
  return <ProductMediaPanel productId={productId} cdnUrl={appCdn().url} />;
}
