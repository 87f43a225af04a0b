import type { RouterOutputs } from "@agora/api";
import { formatDuration, formatFileSize } from "@agora/ui";
import { mediaUrl } from "../media/cdn.ts";

/** The product page's videos and documents, as `catalog.product` returns them. */
type ProductDetail = NonNullable<RouterOutputs["catalog"]["product"]>;
export type ProductVideo = NonNullable<ProductDetail["videos"]>[number];
export type ProductDocument = NonNullable<ProductDetail["documents"]>[number];

/**
 * A product's videos, played from the CDN edge: `preload="metadata"` fetches only the first
 * range (the MP4's index sits at the front), the poster frame shows until play, `playsInline`
 * keeps phones from forcing full screen.
 */
export function ProductVideos({ title, videos }: { title: string; videos: ProductVideo[] }) {
  if (videos.length === 0) return null;
  return (
    <section aria-labelledby="videos-title" className="mt-8 space-y-3">
      <h2 id="videos-title" className="text-lg font-semibold">
        Videos
      </h2>
      <ul className="grid gap-4 md:grid-cols-2">
        {videos.map((v, i) => (
          <li key={v.url}>
            <video
              controls
              playsInline
              preload="metadata"
              poster={v.posterUrl ? mediaUrl(v.posterUrl) : undefined}
              width={v.width ?? undefined}
              height={v.height ?? undefined}
              aria-label={`${title} — video ${i + 1}`}
              className="aspect-video h-auto w-full rounded-xl bg-black"
            >
              <source src={mediaUrl(v.url)} type="video/mp4" />
            </video>
            {v.durationMs ? (
              <p className="mt-1 text-xs text-zinc-500">{formatDuration(v.durationMs)}</p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Manuals and spec sheets: first-page thumbnail, name, size and pages, opening the PDF. */
export function ProductDocuments({ documents }: { documents: ProductDocument[] }) {
  if (documents.length === 0) return null;
  return (
    <section aria-labelledby="documents-title" className="mt-8 space-y-3">
      <h2 id="documents-title" className="text-lg font-semibold">
        Documents
      </h2>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {documents.map((d) => (
          <li key={d.url}>
            <a
              href={mediaUrl(d.url)}
              target="_blank"
              rel="noreferrer"
              className="flex items-center gap-3 rounded-xl border border-zinc-200 p-3 hover:border-brand-500 dark:border-zinc-800"
            >
              {d.thumbnailUrl ? (
                <img
                  src={mediaUrl(d.thumbnailUrl)}
                  alt=""
                  loading="lazy"
                  width={64}
                  height={84}
                  className="h-21 w-16 shrink-0 rounded border border-zinc-200 object-cover object-top dark:border-zinc-700"
                />
              ) : null}
              <span className="min-w-0 text-sm">
                <span className="block truncate font-medium">{d.fileName}</span>
                <span className="text-xs text-zinc-500">
                  PDF{d.bytes ? ` · ${formatFileSize(d.bytes)}` : ""}
                  {d.pageCount ? ` · ${d.pageCount} ${d.pageCount === 1 ? "page" : "pages"}` : ""}
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
