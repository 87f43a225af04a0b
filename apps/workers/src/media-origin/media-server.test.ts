/** The media origin on an ephemeral loopback port (no topology needed). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaOrigin, IMMUTABLE_CACHE_CONTROL, type MediaOrigin } from "./media-server.ts";

const TOKEN = "media-origin-token-of-this-test-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
let stateDir: string;
let origin: MediaOrigin;
let base: string;
const VIDEO = Buffer.from(Array.from({ length: 5_000 }, (_, i) => i % 251));

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "agora-origin-"));
  mkdirSync(join(stateDir, "media", "products"), { recursive: true });
  writeFileSync(join(stateDir, "media", "products", "a.svg"), "<svg/>");
  writeFileSync(join(stateDir, "media", "products", "notes.txt"), "x");
  writeFileSync(join(stateDir, "media", "products", "clip.mp4"), VIDEO);
  writeFileSync(join(stateDir, "secret.json"), "{}");
  origin = createMediaOrigin({ stateDir, cacheDir: join(stateDir, "cache"), token: TOKEN });
  base = `http://127.0.0.1:${await origin.listen(0)}`;
});

afterAll(async () => {
  await origin.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("media origin", () => {
  it("serves media with its content type, an ETag and an immutable Cache-Control", async () => {
    const res = await fetch(`${base}/media/products/a.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("cache-control")).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+-6"$/);
    expect(await res.text()).toBe("<svg/>");
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const etag = (await fetch(`${base}/media/products/a.svg`)).headers.get("etag")!;
    const res = await fetch(`${base}/media/products/a.svg`, { headers: { "if-none-match": etag } });
    expect(res.status).toBe(304);
  });

  it("refuses paths outside the media folder and types it does not know", async () => {
    expect((await fetch(`${base}/media/..%2fsecret.json`)).status).toBe(404);
    expect((await fetch(`${base}/media/products/notes.txt`)).status).toBe(404);
    expect((await fetch(`${base}/media/products/a.svg`, { method: "POST" })).status).toBe(405);
  });

  it("answers a 5,000-character media name with 400, not a file system error", async () => {
    expect((await fetch(`${base}/media/products/${"a".repeat(5_000)}.svg`)).status).toBe(400);
    expect((await fetch(`${base}/media/${"d/".repeat(600)}a.svg`)).status).toBe(400);
    // Multi-byte names count in bytes, as the file system counts them.
    expect((await fetch(`${base}/media/products/${"é".repeat(200)}.svg`)).status).toBe(400);
  });

  it("counts the requests it served per path", async () => {
    const before = origin.stats.byPath["/media/products/a.svg"] ?? 0;
    await fetch(`${base}/media/products/a.svg`);
    expect(origin.stats.byPath["/media/products/a.svg"]).toBe(before + 1);
    const stats = (await (await fetch(`${base}/stats`, { headers: auth })).json()) as { requests: number };
    expect(stats.requests).toBeGreaterThan(0);
  });

  it("answers one byte range with 206 and Content-Range, a range past the end with 416, a stale If-Range with the whole file", async () => {
    const url = `${base}/media/products/clip.mp4`;
    const part = await fetch(url, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 100-199/5000");
    expect(part.headers.get("content-length")).toBe("100");
    expect(part.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await part.arrayBuffer()).equals(VIDEO.subarray(100, 200))).toBe(true);
    const whole = await fetch(url);
    expect([whole.status, whole.headers.get("accept-ranges")]).toEqual([200, "bytes"]);
    expect((await whole.arrayBuffer()).byteLength).toBe(5_000);
    const past = await fetch(url, { headers: { range: "bytes=5000-" } });
    expect([past.status, past.headers.get("content-range")]).toEqual([416, "bytes */5000"]);
    const etag = whole.headers.get("etag")!;
    const current = await fetch(url, { headers: { range: "bytes=0-9", "if-range": etag } });
    expect(current.status).toBe(206);
    const stale = await fetch(url, { headers: { range: "bytes=0-9", "if-range": '"old"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(5_000);
  });

  it("refuses stats and purge without its bearer token (or with another one)", async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${"x".repeat(40)}` }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const stats = await fetch(`${base}/stats`, { headers });
      expect(stats.status).toBe(401);
      expect(stats.headers.get("www-authenticate")).toBe("Bearer");
      expect((await fetch(`${base}/cache/media/products/a.svg`, { method: "DELETE", headers })).status).toBe(401);
    }
    const purged = await fetch(`${base}/cache/media/products/a.svg`, { method: "DELETE", headers: auth });
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ key: "/media/products/a.svg", purged: false });
  });
});
