/**
 * Product videos and documents end to end on the test topology: upload validation (type by magic
 * bytes, size, unreadable files) refuses with typed 4xx codes and leaves nothing behind; a video is
 * recorded as processing, transcoded by the imports pool's processor (progress reported, H.264/AAC
 * MP4 with its index first, poster frame) and published in one shard transaction; the nginx edge
 * serves it in ranges (206 with the right bytes, MISS then HIT, 416 past the end); a PDF gets its
 * first-page thumbnail and page count; deletes remove the files and purge every cached slice.
 */
import { randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  closeVideoTranscodeQueue,
  deleteProductMedia,
  listProductMedia,
  MAX_DOCUMENT_BYTES,
  MAX_VIDEO_BYTES,
  probeMedia,
  uploadProductDocument,
  uploadProductVideo,
  VIDEO_TRANSCODE_QUEUE,
} from "@agora/api/vendor-media";
import { loadConfig, mediaOriginTokenSchema } from "@agora/config";
import { closeAll, core, createVendor, withTenant } from "@agora/db";
import { cdnCacheDirs } from "@agora/infra-local/cdn";
import { topology } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { Queue, Worker } from "bullmq";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaOrigin, type MediaOrigin } from "../media-origin/media-server.ts";
import { importsPool } from "../pools/imports.ts";
import { testPdf, testVideo, topLevelBoxes } from "./test-media.ts";
import { transcodeVideo } from "./transcode-video.ts";

const t = topology("test");
const run = randomUUID().slice(0, 8);
// One edge instance by its own address: the shared port reaches either instance, each with its
// own cache, so "MISS, then HIT" is a statement about one of them.
const edge = `http://${t.host}:${t.cdnInstances[0]!.statusPort}`;
const work = mkdtempSync(join(tmpdir(), "agora-media-"));
const stagingDir = join(t.stateDir, "media-staging");
const sourcesDir = join(t.stateDir, "media-sources");

let origin: MediaOrigin;
let a: { id: string; actor: { userId: string; vendorId: string } };
let b: { id: string; actor: { userId: string; vendorId: string } };
let productId: string;
let otherProductId: string;

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${edge}${url}`, { headers, signal: AbortSignal.timeout(10_000) });
const uploadsOf = (pid: string) => {
  const dir = join(t.stateDir, "media", "uploads", pid);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const rowsOf = (vendorId: string, pid: string) =>
  withTenant(vendorId, (tx) => tx.media.count({ where: { productId: pid } }));

/** The HTTP status a route handler answers for what `fn` throws. */
async function statusOf(fn: () => Promise<unknown>): Promise<number> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TRPCError) return getHTTPStatusCodeFromError(err);
    throw err;
  }
  return 200;
}

async function product(vendorId: string, categoryId: string, title: string): Promise<string> {
  return withTenant(vendorId, async (tx) => {
    const p = await tx.product.create({
      data: {
        vendorId,
        categoryId,
        categorySlug: `files-test-${run}`,
        title,
        description: "",
        priceCents: 12900,
      },
      select: { id: true },
    });
    return p.id;
  });
}

beforeAll(async () => {
  const cat = await core().primary.category.upsert({
    where: { slug: `files-test-${run}` },
    create: { slug: `files-test-${run}`, name: `Files test ${run}` },
    update: {},
  });
  const va = await createVendor({ slug: `files-a-${run}`, name: "Files A", shard: "shard-1" });
  const vb = await createVendor({ slug: `files-b-${run}`, name: "Files B", shard: "shard-1" });
  a = { id: va.id, actor: { userId: randomUUID(), vendorId: va.id } };
  b = { id: vb.id, actor: { userId: randomUUID(), vendorId: vb.id } };
  productId = await product(a.id, cat.id, "Espresso machine");
  otherProductId = await product(b.id, cat.id, "Grinder");
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
  await closeVideoTranscodeQueue();
  await closeAll();
  rmSync(work, { recursive: true, force: true });
});

describe("upload validation", () => {
  it("refuses files that only claim to be videos or PDFs, oversize files and unreadable ones with 4xx, writing nothing", async () => {
    const png = await sharp({
      create: { width: 300, height: 200, channels: 3, background: "#c84" },
    })
      .png()
      .toBuffer();
    const mkvHeader = Buffer.from([
      0x1a,
      0x45,
      0xdf,
      0xa3,
      0x93,
      0x42,
      0x82,
      0x88,
      ...Buffer.from("matroska"),
    ]);
    const fakeMp4 = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from("ftypisom"),
      Buffer.alloc(4000, 7),
    ]);
    const bigMp4 = Buffer.alloc(MAX_VIDEO_BYTES + 1);
    bigMp4.set(fakeMp4.subarray(0, 12));
    const bigPdf = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x20);
    bigPdf.write("%PDF-1.4\n");
    const video =
      (bytes: Uint8Array, pid = productId) =>
      () =>
        uploadProductVideo(a.actor, {
          productId: pid,
          bytes,
          fileName: "clip.mp4",
          stateDir: t.stateDir,
        });
    const pdf =
      (bytes: Uint8Array, pid = productId) =>
      () =>
        uploadProductDocument(a.actor, {
          productId: pid,
          bytes,
          fileName: "manual.pdf",
          stateDir: t.stateDir,
        });

    expect(await statusOf(video(png))).toBe(415); // an image named clip.mp4
    expect(await statusOf(video(new TextEncoder().encode("<html>not a video</html>")))).toBe(415);
    expect(await statusOf(video(mkvHeader))).toBe(415); // Matroska that is not WebM
    expect(await statusOf(video(new Uint8Array()))).toBe(400);
    expect(await statusOf(video(bigMp4))).toBe(413);
    expect(await statusOf(video(fakeMp4))).toBe(422); // right magic bytes, no decodable stream
    expect(await statusOf(pdf(png))).toBe(415);
    expect(await statusOf(pdf(bigPdf))).toBe(413);
    expect(await statusOf(pdf(Buffer.from("%PDF-1.4\nthis is not a document\n")))).toBe(422);
    // another tenant's product is not found, and its failed save leaves nothing either
    const clip = testVideo(work, "tiny.mp4", { seconds: 1 });
    expect(await statusOf(video(clip, otherProductId))).toBe(404);
    expect(await statusOf(pdf(testPdf(1), otherProductId))).toBe(404);

    expect(await rowsOf(a.id, productId)).toBe(0);
    expect(await rowsOf(b.id, otherProductId)).toBe(0);
    expect(uploadsOf(productId)).toEqual([]);
    expect(uploadsOf(otherProductId)).toEqual([]);
    expect(list(stagingDir)).toEqual([]);
    expect(list(sourcesDir)).toEqual([]);
  });
});

describe("product video", () => {
  let videoUrl: string;
  let posterUrl: string;
  let mediaId: string;

  it("records a QuickTime upload as processing, transcodes it on the imports pool with progress, publishes an H.264/AAC MP4 with its index first and a poster", async () => {
    const source = testVideo(work, "source.mov");
    expect(topLevelBoxes(source).indexOf("moov")).toBeGreaterThan(
      topLevelBoxes(source).indexOf("mdat"),
    );
    const versionBefore = await withTenant(a.id, (tx) =>
      tx.product.findUniqueOrThrow({ where: { id: productId }, select: { version: true } }),
    );
    const up = await uploadProductVideo(a.actor, {
      productId,
      bytes: source,
      fileName: "source.mov",
      stateDir: t.stateDir,
    });
    mediaId = up.media.id;
    videoUrl = up.media.url;
    posterUrl = up.media.posterUrl!;
    expect(up.media).toMatchObject({
      kind: "video",
      status: "processing",
      contentType: "video/mp4",
    });
    expect(up.product.version).toBe(versionBefore.version + 1);
    // nothing is served before the transcode publishes it
    expect(uploadsOf(productId)).toEqual([]);
    expect((await listProductMedia(a.id, productId)).videos[0]).toMatchObject({
      id: mediaId,
      status: "processing",
      progress: 0,
    });

    const progress: number[] = [];
    const consumer = createRedis({
      maxRetriesPerRequest: null,
      connectionName: `files-test-${run}`,
    });
    const pool = importsPool();
    const worker = new Worker(
      VIDEO_TRANSCODE_QUEUE,
      async (job) => {
        const update = job.updateProgress.bind(job);
        job.updateProgress = async (p) => {
          if (typeof p === "number") progress.push(p);
          return update(p);
        };
        return pool.processor(job);
      },
      { connection: consumer, concurrency: 1 },
    );
    worker.on("error", (err) => process.stderr.write(`[transcode worker] ${err.message}\n`));
    try {
      const deadline = Date.now() + 90_000;
      let status = "processing";
      while (status === "processing" && Date.now() < deadline) {
        await sleep(250);
        status = (await listProductMedia(a.id, productId)).videos[0]!.status;
      }
      expect(status).toBe("ready");
    } finally {
      await worker.close();
      consumer.disconnect();
    }
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const file = join(t.stateDir, videoUrl.slice(1));
    const probe = await probeMedia(file);
    expect(probe.video).toMatchObject({ codec: "h264", width: 320, height: 240 });
    expect(probe.audio).toMatchObject({ codec: "aac" });
    expect(probe.durationMs).toBeGreaterThan(1_500);
    const boxes = topLevelBoxes(readFileSync(file));
    expect(boxes.indexOf("moov")).toBeGreaterThan(-1);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat")); // +faststart
    const poster = await sharp(join(t.stateDir, posterUrl.slice(1))).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(["jpeg", 320, 240]);

    const [row] = (await listProductMedia(a.id, productId)).videos;
    expect(row).toMatchObject({ status: "ready", width: 320, height: 240, progress: null });
    expect(row!.bytes).toBe(readFileSync(file).length);
    // the source is gone, nothing is left staged
    expect(list(sourcesDir)).toEqual([]);
    expect(list(stagingDir)).toEqual([]);
    const event = await withTenant(a.id, (tx) =>
      tx.outbox.findFirst({
        where: { aggregateId: productId, eventType: "ProductUpserted" },
        orderBy: { id: "desc" },
      }),
    );
    expect(event?.payload).toMatchObject({ version: versionBefore.version + 2, imageUrl: null });
  });

  it("serves the video through the edge in ranges: 206 with the right bytes, MISS then HIT, 416 past the end", async () => {
    const file = readFileSync(join(t.stateDir, videoUrl.slice(1)));
    const first = await get(videoUrl, { range: "bytes=0-1023" });
    expect(first.status).toBe(206);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.headers.get("content-range")).toBe(`bytes 0-1023/${file.length}`);
    expect(first.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await first.arrayBuffer()).equals(file.subarray(0, 1024))).toBe(true);
    const again = await get(videoUrl, { range: "bytes=0-1023" });
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(Buffer.from(await again.arrayBuffer()).equals(file.subarray(0, 1024))).toBe(true);
    const tail = await get(videoUrl, { range: "bytes=-500" });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(file.subarray(file.length - 500))).toBe(
      true,
    );
    const whole = await get(videoUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(file)).toBe(true);
    const past = await get(videoUrl, { range: `bytes=${file.length + 10}-` });
    expect(past.status).toBe(416);
    await past.arrayBuffer();
  });

  it("deletes the video: row and files gone, every cached slice purged (next request a MISS answering 404)", async () => {
    expect((await get(posterUrl)).status).toBe(200);
    const { purge } = await deleteProductMedia(
      a.actor,
      { productId, mediaId },
      { stateDir: t.stateDir, originUrl: `http://${t.host}:${t.apps.mediaOrigin}` },
    );
    expect(purge).toEqual([
      { url: videoUrl, purged: true },
      { url: posterUrl, purged: true },
    ]);
    expect(uploadsOf(productId)).toEqual([]);
    const res = await get(videoUrl, { range: "bytes=0-1023" });
    expect([res.status, res.headers.get("x-cache")]).toEqual([404, "MISS"]);
    await res.arrayBuffer();
  });

  it("discards the transcode of a video deleted while it waited, leaving no file", async () => {
    const up = await uploadProductVideo(a.actor, {
      productId,
      bytes: testVideo(work, "late.webm", { seconds: 1 }),
      fileName: "late.webm",
      stateDir: t.stateDir,
    });
    const queue = new Queue(VIDEO_TRANSCODE_QUEUE, {
      connection: createRedis({
        maxRetriesPerRequest: null,
        connectionName: `files-test-q-${run}`,
      }),
    });
    try {
      const job = await queue.getJob(`video-${up.media.id}`);
      expect(job?.data).toMatchObject({ mediaId: up.media.id, productId });
      const { purge } = await deleteProductMedia(
        a.actor,
        { productId, mediaId: up.media.id },
        { stateDir: t.stateDir },
      );
      expect(purge).toEqual([]); // never published, so never at the edge
      expect(await transcodeVideo(job!.data, { stateDir: t.stateDir })).toEqual({
        outcome: "gone",
      });
      await job!.remove();
    } finally {
      await queue.close();
    }
    expect(list(sourcesDir)).toEqual([]);
    expect(list(stagingDir)).toEqual([]);
    expect(uploadsOf(productId)).toEqual([]);
  });
});

describe("CDN edge slices of a larger video", () => {
  const folder = `files-cdn-${run}`;
  const path = `/media/${folder}/clip.mp4`;
  const bytes = Buffer.alloc(2_500_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 11)) & 0xff;

  beforeAll(() => {
    mkdirSync(join(t.stateDir, "media", folder), { recursive: true });
    writeFileSync(join(t.stateDir, "media", folder, "clip.mp4"), bytes);
  });
  afterAll(() => rmSync(join(t.stateDir, "media", folder), { recursive: true, force: true }));

  it("answers a range across a 1 MB slice boundary with the right bytes, asking the origin only for the slices it needs", async () => {
    const before = origin.stats.byPath[path] ?? 0;
    const range = "bytes=1048000-1049999";
    const miss = await get(path, { range });
    expect([miss.status, miss.headers.get("x-cache")]).toEqual([206, "MISS"]);
    expect(miss.headers.get("content-range")).toBe(`bytes 1048000-1049999/${bytes.length}`);
    expect(Buffer.from(await miss.arrayBuffer()).equals(bytes.subarray(1_048_000, 1_050_000))).toBe(
      true,
    );
    // slice 0 (for the range's start) and slice 1 (its end), never the third
    expect((origin.stats.byPath[path] ?? 0) - before).toBe(2);
    const hit = await get(path, { range });
    expect([hit.status, hit.headers.get("x-cache")]).toEqual([206, "HIT"]);
    expect(Buffer.from(await hit.arrayBuffer()).equals(bytes.subarray(1_048_000, 1_050_000))).toBe(
      true,
    );
    expect((origin.stats.byPath[path] ?? 0) - before).toBe(2);
  });
});

describe("product document", () => {
  it("stores a PDF with its first-page thumbnail and page count, served through the edge, and deletes it", async () => {
    const pdf = testPdf(3);
    const up = await uploadProductDocument(a.actor, {
      productId,
      bytes: pdf,
      fileName: "../../Spec sheet\u0007.pdf",
      stateDir: t.stateDir,
    });
    expect(up.media).toMatchObject({
      kind: "document",
      status: "ready",
      contentType: "application/pdf",
      pageCount: 3,
      bytes: pdf.length,
      fileName: "Spec sheet.pdf",
    });
    const thumb = await sharp(join(t.stateDir, up.media.posterUrl!.slice(1))).metadata();
    expect([thumb.format, thumb.width]).toEqual(["jpeg", 480]);
    expect(thumb.height).toBeGreaterThan(480); // a portrait page
    const served = await get(up.media.url);
    expect([served.status, served.headers.get("content-type")]).toEqual([200, "application/pdf"]);
    expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await listProductMedia(a.id, productId)).documents.map((d) => d.id)).toEqual([
      up.media.id,
    ]);

    await deleteProductMedia(
      a.actor,
      { productId, mediaId: up.media.id },
      { stateDir: t.stateDir },
    );
    expect(uploadsOf(productId)).toEqual([]);
    expect(await rowsOf(a.id, productId)).toBe(0);
    expect(list(stagingDir)).toEqual([]);
  });
});
