/**
 * The `imports` pool: the vendor portal's bulk work — CSV imports and product video transcodes
 * (job `video-transcode`). Its own process and a concurrency of 1 (AGORA_IMPORTS_CONCURRENCY): a
 * 10,000-row file holds shard connections for a while and a transcode holds a core, and neither
 * may slow down checkout sagas or the outbox relay (bulkhead).
 */
import { z } from "zod";
import { loadConfig } from "@agora/config";
import { IMPORTS_QUEUE, importJobDataSchema } from "@agora/api/imports";
import { VIDEO_TRANSCODE_JOB, videoTranscodeJobSchema } from "@agora/api/vendor-media";
import { createLogger } from "@agora/telemetry";
import { ImportFileError, processImport } from "../imports/import-processor.ts";
import { transcodeVideo, VideoSourceError } from "../media-transcode/transcode-video.ts";
import type { PoolSpec } from "./run-pool.ts";
import { UnrecoverableError } from "bullmq";

const envSchema = z.object({
  AGORA_IMPORTS_CONCURRENCY: z.coerce.number().int().positive().max(8).default(1),
});

const log = createLogger({ service: "workers-imports" });
/** A lost progress update only makes the portal's bar lag; the transcode goes on. */
const reportProgressError = (err: unknown) =>
  log.warn({ err: err instanceof Error ? err.message : String(err) }, "progress update failed");

export function importsPool(): PoolSpec {
  const env = loadConfig(envSchema);
  return {
    queue: IMPORTS_QUEUE,
    concurrency: env.AGORA_IMPORTS_CONCURRENCY,
    processor: async (job) => {
      if (job.name === VIDEO_TRANSCODE_JOB) {
        try {
          return await transcodeVideo(videoTranscodeJobSchema.parse(job.data), {
            onProgress: (percent) => void job.updateProgress(percent).catch(reportProgressError),
          });
        } catch (err) {
          // A source ffmpeg cannot read stays unreadable: the row is marked failed already.
          if (err instanceof VideoSourceError) throw new UnrecoverableError(err.message);
          throw err;
        }
      }
      const data = importJobDataSchema.parse(job.data);
      try {
        const r = await processImport(data, {
          onProgress: (p) => job.updateProgress(p.percent),
        });
        return { total: r.total, written: r.written, errors: r.errors.length };
      } catch (err) {
        // A malformed file stays malformed: retrying it would only repeat the failure.
        if (err instanceof ImportFileError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
  };
}
