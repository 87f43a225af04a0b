import { Picture } from "@agora/ui";
import { IMAGE_SIZES, responsiveImage } from "../media/responsive-image.ts";

export interface GalleryImage {
  url: string;
}

/**
 * The product page's images: the selected one large (responsive renditions), the others as
 * thumbnails that link to `?image=<n>`, so the gallery works without JavaScript.
 */
export function ProductGallery({
  title,
  images,
  selected,
}: {
  title: string;
  images: GalleryImage[];
  selected: number;
}) {
  const index = selected >= 0 && selected < images.length ? selected : 0;
  const main = images[index];
  const big = main ? responsiveImage(main.url, IMAGE_SIZES.main) : null;
  return (
    <div className="space-y-3">
      <div className="aspect-square overflow-hidden rounded-xl bg-zinc-100 dark:bg-zinc-800">
        {big ? (
          <Picture
            src={big.src}
            sources={big.sources}
            alt={title}
            className="h-full w-full object-cover"
          />
        ) : null}
      </div>
      {images.length > 1 ? (
        <ul className="flex flex-wrap gap-2" aria-label="More images">
          {images.map((img, i) => {
            const thumb = responsiveImage(img.url, IMAGE_SIZES.thumbnail);
            return (
              <li key={img.url}>
                <a
                  href={`?image=${i}`}
                  aria-label={`Image ${i + 1} of ${images.length}`}
                  aria-current={i === index ? "true" : undefined}
                  className={`block h-20 w-20 overflow-hidden rounded-lg border-2 ${i === index ? "border-brand-500" : "border-transparent"}`}
                >
                  <Picture
                    src={thumb.src}
                    sources={thumb.sources}
                    alt=""
                    loading="lazy"
                    className="h-full w-full object-cover"
                  />
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
