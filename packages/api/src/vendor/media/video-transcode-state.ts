/**
 * The database side of a video's transcode (the job itself is apps/workers/src/media-transcode):
 * whether a row still waits for it, publishing the result (ONE shard transaction: the row turns
 * `ready` with the output's size, the product version is bumped and ProductUpserted written, the
 * staged folder moved into place as the last step), marking it `failed`, and the job's progress
 * for the portal. A row deleted meanwhile (the vendor removed the video or the product) simply
 * makes the job discard its output: publishing checks the row under the product lock.
 */
import { rm } from "node:fs/promises";
import { withTenant } from "@agora/db";
import { TimeoutError } from "@agora/resilience";
import { createLogger } from "@agora/telemetry";
import { TRPCError } from "@trpc/server";
import type { StagedUpload } from "./media-files.ts";
import { changeProductMedia, type MediaRow, mediaRowSelect } from "./media-transaction.ts";
import type { VideoTranscodeJob } from "./video-transcode-contract.ts";
import { videoTranscodeJobId } from "./video-transcode-contract.ts";
import { videoTranscodeQueue } from "./upload-product-video.ts";

const log = createLogger({ service: "api" });

/** The video row the job is for, while it still waits for its transcode; null otherwise. */
export async function videoAwaitingTranscode(job: VideoTranscodeJob): Promise<MediaRow | null> {
  return withTenant(job.vendorId, (tx) =>
    tx.media.findFirst({
      where: { id: job.mediaId, vendorId: job.vendorId, kind: "video", status: "processing" },
      select: mediaRowSelect,
    }),
  );
}

export interface TranscodedVideo {
  bytes: number;
  width: number;
  height: number;
  durationMs: number;
}

const isGone = (err: unknown) => err instanceof TRPCError && err.code === "NOT_FOUND";

/** True when published; false when the row (or product) is gone or no longer processing. */
export async function publishTranscodedVideo(
  job: VideoTranscodeJob,
  staged: StagedUpload,
  out: TranscodedVideo,
): Promise<boolean> {
  try {
    const { result } = await changeProductMedia(job.vendorId, job.productId, async (tx) => {
      const row = await tx.media.findFirst({
        where: { id: job.mediaId, kind: "video", status: "processing" },
        select: { id: true },
      });
      if (!row) return false;
      await tx.media.update({
        where: { id: job.mediaId },
        data: { status: "ready", ...out },
      });
      // A folder already there is an earlier attempt's whose commit failed: the row says so.
      await rm(staged.finalDir, { recursive: true, force: true });
      await staged.publish();
      return true;
    });
    return result;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

/** The source could not be transcoded: the portal shows the video as failed (delete it). */
export async function markVideoFailed(job: VideoTranscodeJob): Promise<void> {
  await withTenant(job.vendorId, (tx) =>
    tx.media.updateMany({
      where: { id: job.mediaId, kind: "video", status: "processing" },
      data: { status: "failed" },
    }),
  );
}

/** How long the portal's list waits for job progress before showing the videos without it. */
const PROGRESS_TIMEOUT_MS = 1_000;

/**
 * 0–100 per processing video id, from its job (absent when the job is not known). Progress only
 * decorates the list: Redis slow or away leaves it out (logged) instead of failing the page.
 */
export async function transcodeProgress(mediaIds: string[]): Promise<Map<string, number>> {
  const progress = new Map<string, number>();
  if (mediaIds.length === 0) return progress;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(
        mediaIds.map(async (id) => {
          const job = await videoTranscodeQueue().getJob(videoTranscodeJobId(id));
          if (job && typeof job.progress === "number") progress.set(id, job.progress);
        }),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TimeoutError("video-transcode progress", PROGRESS_TIMEOUT_MS)),
          PROGRESS_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    log.warn(
      { err: err instanceof Error ? err.message : String(err) },
      "transcode progress unavailable",
    );
  } finally {
    clearTimeout(timer);
  }
  return progress;
}
