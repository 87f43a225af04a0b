import type { ReactNode } from "react";
import { Badge } from "./badge.tsx";
import { Picture, type PictureSource } from "./picture.tsx";
import { Price } from "./price.tsx";

export interface ProductTileProps {
  href: string;
  title: string;
  vendorName: string;
  priceCents: number;
  currency?: string;
  /** Absolute image URL (the app puts the stored path on its CDN), or null. */
  imageSrc: string | null;
  /** Responsive renditions of the image (`srcset`/`sizes` per format), when it has any. */
  imageSources?: PictureSource[];
  inStock: boolean;
}

/** A product in a grid of results: image, title, vendor, price, stock. */
export function ProductTile({
  href,
  title,
  vendorName,
  priceCents,
  currency,
  imageSrc,
  imageSources,
  inStock,
}: ProductTileProps) {
  return (
    <a
      href={href}
      className="group flex flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm hover:border-brand-500 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="aspect-square w-full bg-zinc-100 dark:bg-zinc-800">
        {imageSrc ? (
          <Picture
            src={imageSrc}
            sources={imageSources}
            alt=""
            loading="lazy"
            className="h-full w-full object-cover"
          />
        ) : null}
      </div>
      <div className="flex flex-1 flex-col gap-1 p-3">
        <h3 className="line-clamp-2 text-sm font-medium group-hover:text-brand-700">{title}</h3>
        <p className="text-xs text-zinc-500">{vendorName}</p>
        <div className="mt-auto flex items-center justify-between gap-2 pt-2">
          <Price cents={priceCents} currency={currency} />
          {inStock ? null : <Badge tone="warning">Out of stock</Badge>}
        </div>
      </div>
    </a>
  );
}

/** Responsive product grid: two columns on phones up to four on laptops. */
export function ProductGrid({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">{children}</div>;
}
