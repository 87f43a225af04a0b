/**
 * Where the apps load images from: `${AGORA_CDN_URL}/media/...`, the CDN edge in front of the
 * media origin (locally nginx; its URL comes from the environment like every other address).
 */
import { loadConfig, servicesSchema, type EnvSource } from "@agora/config";

export const cdnEnvSchema = servicesSchema.pick({ AGORA_CDN_URL: true });

export function resolveCdnUrl(source: EnvSource): { url: string; source: "AGORA_CDN_URL" } {
  return { url: loadConfig(cdnEnvSchema, source).AGORA_CDN_URL, source: "AGORA_CDN_URL" };
}

let cached: { url: string; source: "AGORA_CDN_URL" } | undefined;

/** The CDN origin of a web app, read on first use (pages importing it still build without env). */
export function appCdn(source: EnvSource = process.env) {
  if (source !== process.env) return resolveCdnUrl(source);
  cached ??= resolveCdnUrl(source);
  return cached;
}

/** `/media/products/x.svg` (as stored) → absolute CDN URL; absolute URLs pass through. */
export function mediaUrlFor(cdnUrl: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${cdnUrl}${path.startsWith("/") ? "" : "/"}${path}`;
}
