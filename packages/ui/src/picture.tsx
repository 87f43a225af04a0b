/** One `<source>` of a `<picture>`: the browser picks the first type it supports. */
export interface PictureSource {
  type: string;
  srcSet: string;
  sizes: string;
}

export interface PictureProps {
  /** Fallback every browser can show. */
  src: string;
  alt: string;
  sources?: PictureSource[];
  className?: string;
  loading?: "lazy" | "eager";
}

/**
 * A responsive image: `<picture>` with `srcset`/`sizes` per format, so the browser downloads the
 * smallest rendition that fills the slot. Plain img elements: the CDN edge caches and serves the
 * media; next/image would proxy it.
 */
export function Picture({ src, alt, sources = [], className, loading }: PictureProps) {
  const img = <img src={src} alt={alt} loading={loading} className={className} />;
  if (sources.length === 0) return img;
  return (
    <picture>
      {sources.map((s) => (
        <source key={s.type} type={s.type} srcSet={s.srcSet} sizes={s.sizes} />
      ))}
      {img}
    </picture>
  );
}
