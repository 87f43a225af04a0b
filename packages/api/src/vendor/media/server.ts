/** Server-side entry points of product media for the vendor portal's upload route handlers. */
export { uploadProductImage, type UploadedImage } from "./upload-product-image.ts";
export { MAX_IMAGE_BYTES, MAX_IMAGES_PER_PRODUCT } from "./image-validation.ts";
export {
  closeVideoTranscodeQueue,
  uploadProductVideo,
  type UploadedVideo,
} from "./upload-product-video.ts";
export { uploadProductDocument, type UploadedDocument } from "./upload-product-document.ts";
export {
  MAX_VIDEO_BYTES,
  MAX_VIDEO_SECONDS,
  MAX_VIDEOS_PER_PRODUCT,
  VIDEO_SCALE_FILTER,
} from "./video-validation.ts";
export { MAX_DOCUMENT_BYTES, MAX_DOCUMENTS_PER_PRODUCT } from "./document-validation.ts";
export {
  deleteProductMedia,
  listProductMedia,
  reorderProductMedia,
  type ProductMediaList,
} from "./product-media.ts";
export { sweepMediaOrphans, type SweepResult } from "./orphan-sweep.ts";
export { mediaDirs, stagingFolder, type StagedUpload } from "./media-files.ts";
export { MediaToolError, probeMedia, runTool, type ProbedMedia } from "./media-tools.ts";
export {
  VIDEO_TRANSCODE_JOB,
  VIDEO_TRANSCODE_QUEUE,
  videoTranscodeJobSchema,
  type VideoTranscodeJob,
} from "./video-transcode-contract.ts";
export {
  markVideoFailed,
  publishTranscodedVideo,
  videoAwaitingTranscode,
  type TranscodedVideo,
} from "./video-transcode-state.ts";
