/** A small deterministic SVG per product, so the storefront has images without any download. */

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );
}

export const PRODUCT_IMAGE_SIZE = { width: 480, height: 360 } as const;

export function productSvg(opts: {
  title: string;
  category: string;
  hue: number;
  variant: number;
}): string {
  const { width: w, height: h } = PRODUCT_IMAGE_SIZE;
  const hue = (opts.hue + (opts.variant % 40) - 20 + 360) % 360;
  const shape = opts.variant % 3;
  const cx = 160 + (opts.variant % 160);
  const figure =
    shape === 0
      ? `<circle cx="${cx}" cy="150" r="${60 + (opts.variant % 40)}" fill="hsl(${hue},55%,45%)"/>`
      : shape === 1
        ? `<rect x="${cx - 70}" y="80" width="140" height="140" rx="18" fill="hsl(${hue},55%,45%)"/>`
        : `<polygon points="${cx},70 ${cx + 85},220 ${cx - 85},220" fill="hsl(${hue},55%,45%)"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<rect width="${w}" height="${h}" fill="hsl(${hue},40%,92%)"/>
${figure}
<text x="24" y="${h - 56}" font-family="sans-serif" font-size="22" fill="hsl(${hue},40%,20%)">${escapeXml(opts.title)}</text>
<text x="24" y="${h - 26}" font-family="sans-serif" font-size="15" fill="hsl(${hue},25%,35%)">${escapeXml(opts.category)}</text>
</svg>
`;
}
