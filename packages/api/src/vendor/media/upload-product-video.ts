/**
 * Adding a video to a product: validate (size, magic bytes), keep the upload as the transcode's
 * source (`<stateDir>/media-sources`, never served), probe it (a video track, a bounded length),
 * record the row as `processing` in one shard transaction, then queue the transcode job. The
 * files the storefront will play appear only when the job publishes them (see
 * video-transcode-state.ts); until then the storefront lists no video. A failure before the commit
 * removes the source; a queue that refuses the job removes the row again (503).
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRedis } from "@agora/redis";
import { TimeoutError } from "@agora/resilience";
import { TRPCError } from "@trpc/server";
import { Queue } from "bullmq";
import { z } from "zod";
import { productFileNames } from "../../media/product-files.ts";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import type { ProductView } from "../product-rows.ts";
import { documentFileName } from "./document-validation.ts";
import { mediaDirs } from "./media-files.ts";
import { MediaToolError, probeMedia, type ProbedMedia } from "./media-tools.ts";
import {
  changeProductMedia,
  type MediaRow,
  mediaRowSelect,
  mediaRowsOf,
} from "./media-transaction.ts";
import {
  VIDEO_TRANSCODE_JOB,
  VIDEO_TRANSCODE_QUEUE,
  type VideoTranscodeJob,
  videoTranscodeJobId,
} from "./video-transcode-contract.ts";
import { checkVideoBytes, checkVideoProbe, MAX_VIDEOS_PER_PRODUCT } from "./video-validation.ts";

let queue: Queue<VideoTranscodeJob> | undefined;
export function videoTranscodeQueue(): Queue<VideoTranscodeJob> {
  queue ??= new Queue<VideoTranscodeJob>(VIDEO_TRANSCODE_QUEUE, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: "api:video:producer" }),
  });
  return queue;
}

/** Closes the producer connection (tests, shutdown). */
export async function closeVideoTranscodeQueue(): Promise<void> {
  await queue?.close();
  queue = undefined;
}

export interface UploadedVideo {
  media: MediaRow;
  product: ProductView;
}

const productIdSchema = z.uuid();
const SOURCE_EXTENSION = { mp4: "mp4", quicktime: "mov", webm: "webm" } as const;
/** Bound on queueing the job (Redis through Sentinel). */
const ENQUEUE_TIMEOUT_MS = 5_000;

export async function uploadProductVideo(
  actor: AuditActor,
  input: { productId: string; bytes: Uint8Array; fileName?: string; stateDir?: string },
): Promise<UploadedVideo> {
  const productId = productIdSchema.safeParse(input.productId);
  if (!productId.success) throw new TRPCError({ code: "BAD_REQUEST", message: "Unknown product." });
  const container = checkVideoBytes(input.bytes);

  const mediaId = randomUUID();
  const key = createHash("sha256").update(input.bytes).update(mediaId).digest("hex").slice(0, 24);
  const names = productFileNames(productId.data, key, "video");
  const dirs = mediaDirs(input.stateDir);
  // A runtime folder, not a bundle input: keeps Next's file tracing from taking the whole repo.
  const source = join(
    /*turbopackIgnore: true*/ dirs.sources,
    `${mediaId}.${SOURCE_EXTENSION[container]}`,
  );
  await mkdir(dirs.sources, { recursive: true });
  await writeFile(source, input.bytes);

  let recorded: { result: MediaRow; product: ProductView };
  let probe: ProbedMedia;
  try {
    try {
      probe = await probeMedia(source);
    } catch (err) {
      if (!(err instanceof MediaToolError)) throw err;
      throw new TRPCError({
        code: "UNPROCESSABLE_CONTENT",
        message: "The file looks like a video but cannot be read.",
        cause: err,
      });
    }
    checkVideoProbe(probe);
    recorded = await changeProductMedia(actor.vendorId, productId.data, async (tx) => {
      const existing = await mediaRowsOf(tx, actor.vendorId, productId.data, "video");
      if (existing.length >= MAX_VIDEOS_PER_PRODUCT)
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `A product has at most ${MAX_VIDEOS_PER_PRODUCT} videos; delete one first.`,
        });
      return tx.media.create({
        data: {
          id: mediaId,
          vendorId: actor.vendorId,
          productId: productId.data,
          kind: "video",
          status: "processing",
          path: names.url.slice(1),
          url: names.url,
          contentType: "video/mp4",
          posterUrl: names.posterUrl,
          durationMs: probe.durationMs,
          fileName: documentFileName(input.fileName),
          position: existing.reduce((max, m) => Math.max(max, m.position + 1), 0),
        },
        select: mediaRowSelect,
      });
    });
  } catch (err) {
    await rm(source, { force: true });
    throw err;
  }

  try {
    const add = videoTranscodeQueue().add(
      VIDEO_TRANSCODE_JOB,
      { vendorId: actor.vendorId, productId: productId.data, mediaId, source },
      {
        jobId: videoTranscodeJobId(mediaId),
        attempts: 2,
        backoff: { type: "exponential", delay: 5_000 },
        removeOnComplete: 100,
        removeOnFail: 100,
      },
    );
    // BullMQ's add has no deadline of its own; a late add still lands under the same job id.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      add,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TimeoutError("video-transcode enqueue", ENQUEUE_TIMEOUT_MS)),
          ENQUEUE_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    await changeProductMedia(actor.vendorId, productId.data, (tx) =>
      tx.media.deleteMany({ where: { id: mediaId } }),
    );
    await rm(source, { force: true });
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The video could not be queued for processing; try again shortly.",
      cause: err,
    });
  }
  await recordAudit(actor, {
    action: "product.media.add",
    targetType: "product",
    targetId: productId.data,
    after: { mediaId, url: names.url, status: "processing", version: recorded.product.version },
    details: {
      kind: "video",
      bytes: input.bytes.byteLength,
      container,
      durationMs: probe.durationMs,
      source: probe.video,
    },
  });
  return { media: recorded.result, product: recorded.product };
}
