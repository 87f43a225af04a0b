import { uploadNames } from "@agora/api/media";
import { describe, expect, it } from "vitest";
import { IMAGE_SIZES, responsiveImage } from "./responsive-image.ts";

// mediaUrl reads the CDN origin from the environment on first use.
const cdn = { url: "http://cdn.test" };
process.env.AGORA_CDN_URL = cdn.url;

const P = "0b6c0d2e-8f1a-4c3b-9d5e-6f7a8b9c0d1e";

describe("responsiveImage", () => {
  it("gives an uploaded image a WebP srcset of its renditions on the CDN and the JPEG as src", () => {
    const n = uploadNames(P, "a1b2c3d4e5f60718293a4b5c", 900);
    const img = responsiveImage(n.fallback.url, IMAGE_SIZES.card);
    expect(img.src).toBe(`${cdn.url}${n.folder}/640.jpg`);
    expect(img.sources).toEqual([
      {
        type: "image/webp",
        sizes: IMAGE_SIZES.card,
        srcSet: [320, 640, 900].map((w) => `${cdn.url}${n.folder}/${w}.webp ${w}w`).join(", "),
      },
    ]);
  });

  it("keeps a seeded SVG a single URL", () => {
    expect(responsiveImage(`/media/products/${P}.svg`, IMAGE_SIZES.main)).toEqual({
      src: `${cdn.url}/media/products/${P}.svg`,
      sources: [],
    });
  });
});
