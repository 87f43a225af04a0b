/**
 * Media URLs for the apps (no server-only imports): where the CDN edge is, and the responsive
 * renditions of an uploaded image.
 */
export { appCdn, cdnEnvSchema, mediaUrlFor, resolveCdnUrl } from "./cdn-url.ts";
export {
  allUrlsOf,
  FALLBACK_WIDTH,
  parseUploadUrl,
  RESPONSIVE_WIDTHS,
  renditionWidths,
  uploadNames,
  webpSrcSet,
  type UploadNames,
} from "./responsive-image.ts";
export {
  parseProductFileUrl,
  productFileNames,
  type ProductFileKind,
  type ProductFileNames,
} from "./product-files.ts";
