import { describe, expect, it } from "vitest";
import { readBodyWithin, readMultipartWithin } from "./body-limit.ts";
import { BodyTooLargeError, MalformedBodyError, UnsupportedMediaTypeError } from "./refusals.ts";

/** A body that keeps producing 64 KB chunks and counts how many were pulled. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(64 * 1024));
    },
  });
  return { stream, pulled: () => pulled };
}

function streamed(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  // Node needs `duplex` for a streamed request body; the DOM typings do not know it yet.
  const init: RequestInit & { duplex: "half" } = { method: "POST", body, headers, duplex: "half" };
  return new Request("http://127.0.0.1/api/imports", init);
}

describe("bounded request bodies", () => {
  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { stream, pulled } = endlessBody();
    const req = streamed(stream, { "content-length": String(10 * 1024 * 1024) });
    await expect(readBodyWithin(req, 1024 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    // A stream pulls its first chunk ahead on its own; nothing past that was read.
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it("stops reading an undeclared body as soon as it passes the limit", async () => {
    const { stream, pulled } = endlessBody();
    await expect(readBodyWithin(streamed(stream), 1024 * 1024)).rejects.toMatchObject({
      status: 413,
    });
    // 1 MB is 16 chunks of 64 KB: the 17th passes the limit (a few more may be buffered ahead).
    expect(pulled()).toBeLessThan(20);
  });

  it("returns a body within the limit whole", async () => {
    const req = new Request("http://127.0.0.1/x", { method: "POST", body: "a".repeat(1000) });
    expect((await readBodyWithin(req, 1000)).byteLength).toBe(1000);
  });

  it("answers 415 for a body that is not multipart/form-data, 400 for a malformed one", async () => {
    const json = new Request("http://127.0.0.1/api/imports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await expect(readMultipartWithin(json, 1024)).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    const broken = new Request("http://127.0.0.1/api/imports", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=xyz" },
      body: "not multipart at all",
    });
    await expect(readMultipartWithin(broken, 1024)).rejects.toBeInstanceOf(MalformedBodyError);
  });

  it("parses a multipart body within the limit", async () => {
    const form = new FormData();
    form.set("file", new File(["sku,name\n"], "products.csv", { type: "text/csv" }));
    const req = new Request("http://127.0.0.1/api/imports", { method: "POST", body: form });
    const parsed = await readMultipartWithin(req, 64 * 1024);
    expect((parsed.get("file") as File).name).toBe("products.csv");
  });
});
