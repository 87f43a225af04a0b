import { describe, expect, it } from "vitest";
import {
  checkImageBytes,
  checkImageDimensions,
  MAX_IMAGE_BYTES,
  sniffImageFormat,
} from "./image-validation.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16);
const WEBP = new Uint8Array([...Buffer.from("RIFF"), 1, 2, 3, 4, ...Buffer.from("WEBPVP8 ")]);

describe("sniffImageFormat", () => {
  it("recognises JPEG, PNG and WebP by their first bytes", () => {
    expect(sniffImageFormat(JPEG)).toBe("jpeg");
    expect(sniffImageFormat(PNG)).toBe("png");
    expect(sniffImageFormat(WEBP)).toBe("webp");
  });

  it("rejects what only claims to be an image: SVG, HTML, PDF, RIFF audio, short input", () => {
    for (const text of ["<svg xmlns='http://www.w3.org/2000/svg'/>", "<!doctype html>", "%PDF-1.7"])
      expect(sniffImageFormat(new TextEncoder().encode(text))).toBeNull();
    expect(
      sniffImageFormat(
        new Uint8Array([...Buffer.from("RIFF"), 1, 2, 3, 4, ...Buffer.from("WAVE")]),
      ),
    ).toBeNull();
    expect(sniffImageFormat(bytes(0xff, 0xd8))).toBeNull();
  });
});

const rejectsWith = (code: string) => expect.objectContaining({ code });

describe("checkImageBytes", () => {
  it("answers 400 for empty, 413 for oversize and 415 for non-images", () => {
    expect(() => checkImageBytes(new Uint8Array())).toThrow(rejectsWith("BAD_REQUEST"));
    const huge = new Uint8Array(MAX_IMAGE_BYTES + 1);
    huge.set(PNG);
    expect(() => checkImageBytes(huge)).toThrow(rejectsWith("PAYLOAD_TOO_LARGE"));
    const text = new TextEncoder().encode("hello");
    expect(() => checkImageBytes(text)).toThrow(rejectsWith("UNSUPPORTED_MEDIA_TYPE"));
    expect(checkImageBytes(PNG)).toBe("png");
  });
});

describe("checkImageDimensions", () => {
  it("refuses tiny images and pixel bombs", () => {
    expect(() => checkImageDimensions(100, 100)).toThrow(rejectsWith("UNPROCESSABLE_CONTENT"));
    expect(() => checkImageDimensions(20_000, 20_000)).toThrow(rejectsWith("PAYLOAD_TOO_LARGE"));
    expect(() => checkImageDimensions(1600, 1000)).not.toThrow();
  });
});
