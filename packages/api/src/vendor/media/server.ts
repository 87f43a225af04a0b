/** Server-side entry points of product media for the vendor portal's upload route handler. */
export { uploadProductImage, type UploadedImage } from "./upload-product-image.ts";
export { MAX_IMAGE_BYTES, MAX_IMAGES_PER_PRODUCT } from "./image-validation.ts";
export { deleteProductMedia, listProductMedia, reorderProductMedia } from "./product-media.ts";
export { sweepMediaOrphans, type SweepResult } from "./orphan-sweep.ts";
