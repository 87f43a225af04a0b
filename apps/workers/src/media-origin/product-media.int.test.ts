/**
 * Product image upload end to end on the test topology: the upload function resizes with sharp,
 * stages and publishes the files under the media origin's folder and records the media row,
 * version bump and ProductUpserted event on the vendor's shard; the nginx edge serves the
 * renditions (MISS, then HIT); bad files and other tenants are refused without writing anything;
 * a delete removes the files and purges the edge.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgoraSession } from "@agora/auth";
import { createCaller } from "@agora/api";
import { loadConfig, mediaOriginTokenSchema } from "@agora/config";
import { allUrlsOf, parseUploadUrl } from "@agora/api/media";
import { MAX_IMAGE_BYTES, sweepMediaOrphans, uploadProductImage } from "@agora/api/vendor-media";
import { closeAll, core, createVendor, withTenant } from "@agora/db";
import { cdnCacheDirs } from "@agora/infra-local/cdn";
import { topology } from "@agora/infra-local/topology";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaOrigin, type MediaOrigin } from "./media-server.ts";

const t = topology("test");
const run = randomUUID().slice(0, 8);
const category = `media-test-${run}`;
// One edge instance by its own address: the shared port reaches either instance, each with its
// own cache, so "MISS, then HIT" is a statement about one of them.
const edge = `http://${t.host}:${t.cdnInstances[0]!.statusPort}`;
const stagingDir = join(t.stateDir, "media-staging");

let origin: MediaOrigin;
let a: { id: string; actor: { userId: string; vendorId: string }; session: AgoraSession };
let b: { id: string; actor: { userId: string; vendorId: string } };
let productId: string;

const session = (vendorId: string): AgoraSession => ({
  userId: randomUUID(),
  email: `owner@${run}.test`,
  name: "owner",
  roles: ["vendor_owner"],
  vendorId,
});
const callerFor = (s: AgoraSession) => createCaller({ headers: new Headers(), session: s });

/** A photo-like PNG with EXIF fields that must not survive the upload. */
function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .withExif({ IFD0: { Copyright: "secret-owner", Artist: "someone" } })
    .png()
    .toBuffer();
}

const get = (url: string) => fetch(`${edge}${url}`, { signal: AbortSignal.timeout(5000) });
const productUploadsDir = () => join(t.stateDir, "media", "uploads", productId);
const listUploads = () =>
  existsSync(productUploadsDir()) ? readdirSync(productUploadsDir()).sort() : [];
const listStaging = () => (existsSync(stagingDir) ? readdirSync(stagingDir) : []);
const productState = () =>
  withTenant(a.id, async (tx) => ({
    version: (
      await tx.product.findUniqueOrThrow({ where: { id: productId }, select: { version: true } })
    ).version,
    media: await tx.media.count({ where: { productId } }),
  }));

beforeAll(async () => {
  const cat = await core().primary.category.upsert({
    where: { slug: category },
    create: { slug: category, name: `Media test ${run}` },
    update: {},
  });
  const va = await createVendor({ slug: `media-a-${run}`, name: "Media A", shard: "shard-1" });
  const vb = await createVendor({ slug: `media-b-${run}`, name: "Media B", shard: "shard-1" });
  a = { id: va.id, actor: { userId: randomUUID(), vendorId: va.id }, session: session(va.id) };
  b = { id: vb.id, actor: { userId: randomUUID(), vendorId: vb.id } };
  productId = await withTenant(a.id, async (tx) => {
    const p = await tx.product.create({
      data: {
        vendorId: a.id,
        categoryId: cat.id,
        categorySlug: category,
        title: "Linen shirt",
        description: "",
        priceCents: 4900,
      },
      select: { id: true },
    });
    return p.id;
  });
  origin = createMediaOrigin({
    stateDir: t.stateDir,
    // Every edge instance keeps its own copy: the purge reaches them all.
    cacheDir: cdnCacheDirs(t),
    token: loadConfig(mediaOriginTokenSchema).AGORA_MEDIA_ORIGIN_TOKEN,
  });
  await origin.listen(t.apps.mediaOrigin, t.host);
});

afterAll(async () => {
  await origin?.close();
  await closeAll();
});

describe("product image upload", () => {
  let firstUrl: string;

  it("resizes a PNG into 320/640/1280 WebP + a 640 JPEG fallback without metadata, records row + version + event", async () => {
    const before = await productState();
    const input = await png(1600, 1000);
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const up = await uploadProductImage(a.actor, { productId, bytes: input, stateDir: t.stateDir });
    firstUrl = up.media.url;
    expect(up.urls.map((u) => [u.contentType, u.width, u.height])).toEqual([
      ["image/webp", 320, 200],
      ["image/webp", 640, 400],
      ["image/webp", 1280, 800],
      ["image/jpeg", 640, 400],
    ]);
    // the files on disk really have those sizes and formats, and no EXIF
    for (const u of up.urls) {
      const meta = await sharp(join(t.stateDir, u.url.slice(1))).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([
        u.contentType === "image/webp" ? "webp" : "jpeg",
        u.width,
        u.height,
      ]);
      expect(meta.exif).toBeUndefined();
    }
    expect(parseUploadUrl(firstUrl)?.webp.map((r) => r.width)).toEqual([320, 640, 1280]);
    expect(listStaging()).toEqual([]);

    const after = await productState();
    expect(after).toEqual({ version: before.version + 1, media: before.media + 1 });
    expect(up.product.imageUrl).toBe(firstUrl);
    const events = await withTenant(a.id, (tx) =>
      tx.outbox.findMany({
        where: { aggregateId: productId, eventType: "ProductUpserted" },
        orderBy: { id: "desc" },
        take: 1,
      }),
    );
    expect(events[0]?.payload).toMatchObject({
      productId,
      imageUrl: firstUrl,
      version: after.version,
    });
    const audit = await core().primary.auditLog.findMany({
      where: { vendorId: a.id, targetId: productId },
    });
    expect(audit.map((e) => e.action)).toContain("product.media.add");
  });

  it("serves every rendition through the CDN edge: MISS first, then HIT without asking the origin again", async () => {
    for (const url of allUrlsOf(parseUploadUrl(firstUrl)!)) {
      const first = await get(url);
      expect(first.status).toBe(200);
      expect(first.headers.get("x-cache")).toBe("MISS");
      expect(first.headers.get("content-type")).toBe(
        url.endsWith(".webp") ? "image/webp" : "image/jpeg",
      );
      await first.arrayBuffer();
      const second = await get(url);
      expect(second.headers.get("x-cache")).toBe("HIT");
      await second.arrayBuffer();
      expect(origin.stats.byPath[url]).toBe(1);
    }
  });

  it("never enlarges: a 500 px JPEG gets 320 and 500 px renditions", async () => {
    const jpeg = await sharp({
      create: { width: 500, height: 400, channels: 3, background: "#3366aa" },
    })
      .jpeg()
      .toBuffer();
    const up = await uploadProductImage(a.actor, { productId, bytes: jpeg, stateDir: t.stateDir });
    expect(up.urls.map((u) => [u.width, u.height])).toEqual([
      [320, 256],
      [500, 400],
      [500, 400],
    ]);
    // the first upload stays the primary image
    expect(up.product.imageUrl).toBe(firstUrl);
  });

  it("refuses a non-image (415) and an oversize file (413) and writes nothing", async () => {
    const before = { state: await productState(), uploads: listUploads() };
    const text = new TextEncoder().encode("<html><body>not an image</body></html>");
    await expect(
      uploadProductImage(a.actor, { productId, bytes: text, stateDir: t.stateDir }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const huge = new Uint8Array(MAX_IMAGE_BYTES + 1);
    huge.set(await png(400, 300));
    await expect(
      uploadProductImage(a.actor, { productId, bytes: huge, stateDir: t.stateDir }),
    ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    // a truncated PNG passes the magic-number check but not the decoder
    const truncated = (await png(400, 300)).subarray(0, 60);
    await expect(
      uploadProductImage(a.actor, { productId, bytes: truncated, stateDir: t.stateDir }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(await productState()).toEqual(before.state);
    expect(listUploads()).toEqual(before.uploads);
    expect(listStaging()).toEqual([]);
  });

  it("does not let another tenant attach an image to this product, and leaves no staged file behind", async () => {
    const before = { state: await productState(), uploads: listUploads() };
    await expect(
      uploadProductImage(b.actor, {
        productId,
        bytes: await png(800, 600),
        stateDir: t.stateDir,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await productState()).toEqual(before.state);
    expect(listUploads()).toEqual(before.uploads);
    expect(listStaging()).toEqual([]);
  });

  it("makes another image primary by reordering, announcing the new image URL", async () => {
    const owner = callerFor(a.session);
    const media = (await owner.vendor.media.list({ productId })).images;
    expect(media.map((m) => m.url)[0]).toBe(firstUrl);
    const { product } = await owner.vendor.media.reorder({
      productId,
      mediaIds: [media[1]!.id, media[0]!.id],
    });
    expect(product.imageUrl).toBe(media[1]!.url);
    const events = await withTenant(a.id, (tx) =>
      tx.outbox.findMany({
        where: { aggregateId: productId, eventType: "ProductUpserted" },
        orderBy: { id: "desc" },
        take: 1,
      }),
    );
    expect(events[0]?.payload).toMatchObject({ imageUrl: media[1]!.url, version: product.version });
    // another tenant cannot see or reorder them
    const other = callerFor(session(b.id));
    await expect(other.vendor.media.list({ productId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      other.vendor.media.reorder({ productId, mediaIds: [media[0]!.id, media[1]!.id] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("deletes an image: row gone, files gone, edge copies purged (next request is a MISS answering 404)", async () => {
    const owner = callerFor(a.session);
    const row = (await owner.vendor.media.list({ productId })).images.find(
      (m) => m.url === firstUrl,
    )!;
    const urls = allUrlsOf(parseUploadUrl(firstUrl)!);
    for (const url of urls) {
      const cached = await get(url);
      expect(cached.headers.get("x-cache")).toBe("HIT");
      await cached.arrayBuffer();
    }
    const other = callerFor(session(b.id));
    await expect(other.vendor.media.delete({ productId, mediaId: row.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    const { purge } = await owner.vendor.media.delete({ productId, mediaId: row.id });
    expect(purge).toEqual(urls.map((url) => ({ url, purged: true })));
    expect(existsSync(join(t.stateDir, parseUploadUrl(firstUrl)!.folder.slice(1)))).toBe(false);
    for (const url of urls) {
      const res = await get(url);
      expect(res.headers.get("x-cache")).toBe("MISS");
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    }
    const left = (await owner.vendor.media.list({ productId })).images;
    expect(left.map((m) => [m.url === firstUrl, m.position])).toEqual([[false, 0]]);
  });

  it("sweeps upload folders no row references and stale staging once past the grace period, never a referenced or young one", async () => {
    const kept = await uploadProductImage(a.actor, {
      productId,
      bytes: await png(400, 300),
      stateDir: t.stateDir,
    });
    const keptDir = join(t.stateDir, parseUploadUrl(kept.media.url)!.folder.slice(1));
    const orphanDir = join(productUploadsDir(), `orphan${run}-640`);
    const youngDir = join(productUploadsDir(), `young${run}-640`);
    const staleStaging = join(stagingDir, `stale-${run}`);
    for (const d of [orphanDir, youngDir, staleStaging]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "640.jpg"), "x");
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const d of [keptDir, orphanDir, staleStaging]) utimesSync(d, twoHoursAgo, twoHoursAgo);

    const swept = await sweepMediaOrphans({ stateDir: t.stateDir, graceMs: 3_600_000 });
    expect(swept.removedUploads).toContain(`/media/uploads/${productId}/orphan${run}-640`);
    expect(existsSync(orphanDir)).toBe(false);
    expect(existsSync(staleStaging)).toBe(false);
    expect(existsSync(keptDir)).toBe(true);
    expect(existsSync(youngDir)).toBe(true);
    rmSync(youngDir, { recursive: true, force: true });
  });
});
