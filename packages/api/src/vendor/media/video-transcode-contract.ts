/**
 * The transcode job of an uploaded product video. It rides the `imports` queue (job name
 * `video-transcode`): the imports pool is the vendor portal's bulk-work bulkhead, one job at a
 * time, so a transcode never competes with checkout sagas or the outbox relay for the CPU, and no
 * extra always-on process is needed. The job id is `video-<mediaId>`: enqueueing twice is one job.
 */
import { z } from "zod";
import { IMPORTS_QUEUE } from "../imports/import-contract.ts";

export const VIDEO_TRANSCODE_QUEUE = IMPORTS_QUEUE;
export const VIDEO_TRANSCODE_JOB = "video-transcode";

export const videoTranscodeJobSchema = z.object({
  vendorId: z.uuid(),
  productId: z.uuid(),
  mediaId: z.uuid(),
  /** Absolute path of the uploaded source under `<stateDir>/media-sources`. */
  source: z.string().min(1),
});
export type VideoTranscodeJob = z.infer<typeof videoTranscodeJobSchema>;

export const videoTranscodeJobId = (mediaId: string) => `video-${mediaId}`;
