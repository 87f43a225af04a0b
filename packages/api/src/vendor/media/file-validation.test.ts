import { describe, expect, it } from "vitest";
import { checkDocumentBytes, documentFileName, MAX_DOCUMENT_BYTES } from "./document-validation.ts";
import { pageCountOf } from "./upload-product-document.ts";
import {
  checkVideoBytes,
  checkVideoProbe,
  MAX_VIDEO_BYTES,
  sniffVideoContainer,
} from "./video-validation.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : p)));
const rejectsWith = (code: string) => expect.objectContaining({ code });

describe("sniffVideoContainer", () => {
  it("recognises MP4 and QuickTime by their ftyp box, WebM by its EBML doctype", () => {
    expect(sniffVideoContainer(bytes([0, 0, 0, 32], "ftypisom", [0, 0, 2, 0]))).toBe("mp4");
    expect(sniffVideoContainer(bytes([0, 0, 0, 32], "ftypmp42"))).toBe("mp4");
    expect(sniffVideoContainer(bytes([0, 0, 0, 20], "ftypqt  "))).toBe("quicktime");
    expect(sniffVideoContainer(bytes([0, 0, 0, 8], "wide"))).toBe("quicktime");
    expect(
      sniffVideoContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], "webm")),
    ).toBe("webm");
  });

  it("rejects Matroska that is not WebM, images, PDFs, text and short input", () => {
    expect(
      sniffVideoContainer(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], "matroska")),
    ).toBeNull();
    expect(sniffVideoContainer(bytes([0x89], "PNG\r\n", [0x1a, 0x0a], "....ftyp"))).toBeNull();
    for (const text of ["%PDF-1.7 ftyp", "<!doctype html>", "ftyp", ""])
      expect(sniffVideoContainer(bytes(text))).toBeNull();
  });
});

describe("checkVideoBytes / checkVideoProbe", () => {
  it("answers 400 for empty, 413 for oversize, 415 for non-videos, 422 without a picture or too long", () => {
    expect(() => checkVideoBytes(new Uint8Array())).toThrow(rejectsWith("BAD_REQUEST"));
    const huge = new Uint8Array(MAX_VIDEO_BYTES + 1);
    huge.set(bytes([0, 0, 0, 20], "ftypisom"));
    expect(() => checkVideoBytes(huge)).toThrow(rejectsWith("PAYLOAD_TOO_LARGE"));
    expect(() => checkVideoBytes(bytes("hello world!"))).toThrow(
      rejectsWith("UNSUPPORTED_MEDIA_TYPE"),
    );
    expect(checkVideoBytes(bytes([0, 0, 0, 20], "ftypisom"))).toBe("mp4");
    expect(() => checkVideoProbe({ durationMs: 1000 })).toThrow(
      rejectsWith("UNPROCESSABLE_CONTENT"),
    );
    expect(() => checkVideoProbe({ durationMs: 3_600_000, video: {} })).toThrow(
      rejectsWith("UNPROCESSABLE_CONTENT"),
    );
    expect(() => checkVideoProbe({ durationMs: 30_000, video: {} })).not.toThrow();
  });
});

describe("documents", () => {
  it("accepts only what starts with %PDF-, within the size limit", () => {
    expect(() => checkDocumentBytes(new Uint8Array())).toThrow(rejectsWith("BAD_REQUEST"));
    expect(() => checkDocumentBytes(bytes("PK\u0003\u0004 word.docx"))).toThrow(
      rejectsWith("UNSUPPORTED_MEDIA_TYPE"),
    );
    expect(() => checkDocumentBytes(bytes(" %PDF-1.4"))).toThrow(
      rejectsWith("UNSUPPORTED_MEDIA_TYPE"),
    );
    const huge = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
    huge.set(bytes("%PDF-1.4"));
    expect(() => checkDocumentBytes(huge)).toThrow(rejectsWith("PAYLOAD_TOO_LARGE"));
    expect(() => checkDocumentBytes(bytes("%PDF-1.7\n"))).not.toThrow();
  });

  it("keeps a display name without folders or control characters", () => {
    expect(documentFileName("C:\\Users\\me\\Manual.pdf")).toBe("Manual.pdf");
    expect(documentFileName("../../etc/spec\u0000sheet.pdf")).toBe("specsheet.pdf");
    expect(documentFileName("")).toBe("document.pdf");
    expect(documentFileName("x".repeat(500))).toHaveLength(120);
  });

  it("reads the page count from pdfinfo's report", () => {
    expect(pageCountOf("Title:  A\nPages:           12\nEncrypted: no\n")).toBe(12);
    expect(pageCountOf("Title: no pages line\n")).toBeNull();
  });
});
