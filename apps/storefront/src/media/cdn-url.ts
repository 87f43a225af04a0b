/** The CDN origin of the storefront's images (shared with the vendor portal: @agora/api/media). */
export { cdnEnvSchema, mediaUrlFor, resolveCdnUrl } from "@agora/api/media";
