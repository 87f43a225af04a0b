/**
 * The transcode job of a product video (queued by packages/api's uploadProductVideo on the
 * `imports` queue): the uploaded source becomes an H.264/AAC MP4 at most 1280×720 with its index
 * (moov atom) first (`+faststart`, so a player starts after the first range instead of seeking to
 * the end), plus a JPEG poster frame, written to a staging folder and published by one shard
 * transaction. One encoder thread: the box's cores are shared with request handlers.
 *
 * Idempotent: a row that is gone or no longer processing ends the job (removing the source and
 * any staged output); a retried job starts the transcode over in a fresh staging folder.
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  markVideoFailed,
  MediaToolError,
  mediaDirs,
  probeMedia,
  publishTranscodedVideo,
  runTool,
  stagingFolder,
  VIDEO_SCALE_FILTER,
  videoAwaitingTranscode,
  type VideoTranscodeJob,
} from "@agora/api/vendor-media";
import { parseProductFileUrl } from "@agora/api/media";
import { FfmpegProgress } from "./ffmpeg-progress.ts";

/** Bound on one transcode (a 3-minute clip at 720p with one thread takes well under this). */
const TRANSCODE_TIMEOUT_MS = 15 * 60_000;
const POSTER_TIMEOUT_MS = 30_000;

/** The source cannot be transcoded (corrupt, unsupported codec): retrying would fail again. */
export class VideoSourceError extends Error {
  readonly code = "VIDEO_SOURCE_UNUSABLE";
  constructor(message: string) {
    super(message);
    this.name = "VideoSourceError";
  }
}

export type TranscodeOutcome =
  | { outcome: "published"; bytes: number; width: number; height: number; durationMs: number }
  | { outcome: "gone" };

/** ffmpeg arguments of the web MP4 (exported for the test that checks the output). */
export function transcodeArgs(source: string, out: string): string[] {
  return [
    ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-threads", "1", "-i", source],
    ["-map", "0:v:0", "-map", "0:a:0?", "-vf", VIDEO_SCALE_FILTER, "-filter_threads", "1"],
    // No metadata or chapters of the source (a phone's GPS position, its owner) reach the CDN.
    ["-map_metadata", "-1", "-map_chapters", "-1", "-f", "mp4"],
    ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-profile:v", "high"],
    ["-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2"],
    ["-movflags", "+faststart", "-threads", "1", "-progress", "pipe:1", "-nostats", out],
  ].flat();
}

export async function transcodeVideo(
  job: VideoTranscodeJob,
  opts: { stateDir?: string; onProgress?: (percent: number) => void } = {},
): Promise<TranscodeOutcome> {
  const row = await videoAwaitingTranscode(job);
  const names = row ? parseProductFileUrl(row.url) : null;
  if (!row || !names) {
    await rm(job.source, { force: true });
    return { outcome: "gone" };
  }
  const staged = await stagingFolder(mediaDirs(opts.stateDir), job.mediaId, names.folder);
  const out = join(staged.stagingDir, "video.mp4");
  try {
    const progress = new FfmpegProgress(row.durationMs ?? 0, (p) => opts.onProgress?.(p));
    try {
      await runTool("ffmpeg", transcodeArgs(job.source, out), {
        timeoutMs: TRANSCODE_TIMEOUT_MS,
        onStdout: (chunk) => progress.push(chunk),
      });
      const probe = await probeMedia(out);
      if (!probe.video) throw new VideoSourceError("the transcode has no video track");
      // The poster: a frame one second in (or halfway through a shorter clip).
      const at = Math.min(1, probe.durationMs / 2000).toFixed(2);
      await runTool(
        "ffmpeg",
        ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-threads", "1", "-ss", at]
          .concat(["-i", out])
          .concat(["-frames:v", "1", "-q:v", "3", join(staged.stagingDir, "poster.jpg")]),
        { timeoutMs: POSTER_TIMEOUT_MS },
      );
      const result = {
        bytes: (await stat(out)).size,
        width: probe.video.width,
        height: probe.video.height,
        durationMs: probe.durationMs,
      };
      const published = await publishTranscodedVideo(job, staged, result);
      if (!published) {
        await staged.discard();
        await rm(job.source, { force: true });
        return { outcome: "gone" };
      }
      await rm(job.source, { force: true });
      return { outcome: "published", ...result };
    } catch (err) {
      if (err instanceof MediaToolError && err.tool === "ffmpeg" && !/timed out/.test(err.detail))
        throw new VideoSourceError(err.message);
      throw err;
    }
  } catch (err) {
    // Only the staging folder: a published folder belongs to the committed row.
    await rm(staged.stagingDir, { recursive: true, force: true });
    if (err instanceof VideoSourceError) {
      await markVideoFailed(job);
      await rm(job.source, { force: true });
    }
    throw err;
  }
}
