import type { RouterOutputs } from "@agora/api";
import { ProductGrid, ProductTile } from "@agora/ui";
import { IMAGE_SIZES, responsiveImage } from "../media/responsive-image.ts";

type Card = RouterOutputs["catalog"]["home"]["featured"][number];

/** A grid of product cards with images on the CDN. */
export function ProductResults({ products }: { products: Card[] }) {
  return (
    <ProductGrid>
      {products.map((p) => {
        const image = p.imageUrl ? responsiveImage(p.imageUrl, IMAGE_SIZES.card) : null;
        return (
          <ProductTile
            key={p.productId}
            href={`/p/${p.productId}`}
            title={p.title}
            vendorName={p.vendorName}
            priceCents={p.priceCents}
            currency={p.currency}
            imageSrc={image?.src ?? null}
            imageSources={image?.sources}
            inStock={p.inStock}
          />
        );
      })}
    </ProductGrid>
  );
}
