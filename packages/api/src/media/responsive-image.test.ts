import { describe, expect, it } from "vitest";
import {
  allUrlsOf,
  parseUploadUrl,
  renditionWidths,
  uploadNames,
  webpSrcSet,
} from "./responsive-image.ts";

const P = "0b6c0d2e-8f1a-4c3b-9d5e-6f7a8b9c0d1e";
const KEY = "a1b2c3d4e5f60718293a4b5c";

describe("renditionWidths", () => {
  it("renders every standard width below the image and caps the widest at 1280 px", () => {
    expect(renditionWidths(4000)).toEqual([320, 640, 1280]);
    expect(renditionWidths(1280)).toEqual([320, 640, 1280]);
    expect(renditionWidths(900)).toEqual([320, 640, 900]);
    expect(renditionWidths(640)).toEqual([320, 640]);
    expect(renditionWidths(250)).toEqual([250]);
  });
});

describe("upload names", () => {
  it("puts an upload in its own folder named by key and widest width, with a JPEG fallback ≤ 640 px", () => {
    const n = uploadNames(P, KEY, 1280);
    expect(n.folder).toBe(`/media/uploads/${P}/${KEY}-1280`);
    expect(n.webp.map((r) => r.url)).toEqual([320, 640, 1280].map((w) => `${n.folder}/${w}.webp`));
    expect(n.fallback).toEqual({ width: 640, url: `${n.folder}/640.jpg` });
    expect(uploadNames(P, KEY, 500).fallback).toEqual({
      width: 500,
      url: `/media/uploads/${P}/${KEY}-500/500.jpg`,
    });
  });

  it("recovers every rendition from the stored fallback URL alone", () => {
    const n = uploadNames(P, KEY, 900);
    expect(parseUploadUrl(n.fallback.url)).toEqual(n);
    expect(allUrlsOf(n)).toEqual([...n.webp.map((r) => r.url), n.fallback.url]);
    expect(webpSrcSet(n, (p) => `https://cdn${p}`)).toBe(
      `https://cdn${n.folder}/320.webp 320w, https://cdn${n.folder}/640.webp 640w, https://cdn${n.folder}/900.webp 900w`,
    );
  });

  it("treats seeded SVGs, foreign URLs and tampered names as plain images", () => {
    expect(parseUploadUrl(`/media/products/${P}.svg`)).toBeNull();
    expect(parseUploadUrl(`https://elsewhere/x.jpg`)).toBeNull();
    // fallback width that this widest width would not produce
    expect(parseUploadUrl(`/media/uploads/${P}/${KEY}-1280/320.jpg`)).toBeNull();
    expect(parseUploadUrl(`/media/uploads/${P}/../${KEY}-1280/640.jpg`)).toBeNull();
  });
});
