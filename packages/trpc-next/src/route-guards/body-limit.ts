/**
 * Request bodies read with a bound: the declared Content-Length is checked first, then the stream
 * is counted as it arrives and cancelled the moment it passes the limit, so an oversized upload
 * costs at most `maxBytes` of memory and is answered 413 without being read to its end.
 */
import { BodyTooLargeError, MalformedBodyError, UnsupportedMediaTypeError } from "./refusals.ts";

export async function readBodyWithin(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new BodyTooLargeError(maxBytes);
  if (!req.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(new ArrayBuffer(total));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** The media type of a Content-Type header, lower-cased, without parameters ("" when absent). */
export function mediaTypeOf(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** A multipart/form-data body of at most `maxBytes`: 415 for another type, 400 when malformed. */
export async function readMultipartWithin(req: Request, maxBytes: number): Promise<FormData> {
  if (mediaTypeOf(req) !== "multipart/form-data")
    throw new UnsupportedMediaTypeError("multipart/form-data");
  const bytes = await readBodyWithin(req, maxBytes);
  try {
    return await new Response(bytes, {
      headers: { "content-type": req.headers.get("content-type")! },
    }).formData();
  } catch (err) {
    // undici's multipart parser throws a TypeError for a body that does not match its boundary.
    if (err instanceof TypeError) throw new MalformedBodyError("multipart/form-data");
    throw err;
  }
}

/** The same request with its body read (within `maxBytes`) into memory, for a handler that reads it itself. */
export async function withBodyWithin(req: Request, maxBytes: number): Promise<Request> {
  const body = await readBodyWithin(req, maxBytes);
  return new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body,
    signal: req.signal,
  });
}
