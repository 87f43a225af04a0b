import type { RouterOutputs } from "@agora/api";
import { ProductGrid, ProductTile } from "@agora/ui";
import { mediaUrl } from "../media/cdn.ts";

type Card = RouterOutputs["catalog"]["home"]["featured"][number];

/** A grid of product cards with images on the CDN. */
export function ProductResults({ products }: { products: Card[] }) {
  return (
    <ProductGrid>
      {products.map((p) => (
        <ProductTile
          key={p.productId}
          href={`/p/${p.productId}`}
          title={p.title}
          vendorName={p.vendorName}
          priceCents={p.priceCents}
          currency={p.currency}
          imageSrc={p.imageUrl ? mediaUrl(p.imageUrl) : null}
          inStock={p.inStock}
        />
      ))}
    </ProductGrid>
  );
}
