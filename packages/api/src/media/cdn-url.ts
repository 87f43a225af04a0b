/**
 * Where the apps load images from: `${AGORA_CDN_URL}/media/...`, the nginx CDN edge in
 * front of the media origin. Unset on a machine running the local topology, it is the edge's
 * topology port; anywhere else set it to the public CDN origin.
 */
import { topology, type Topology } from "@agora/infra-local/topology";
import { InvalidEnvError, loadWebEnv, parseEnv } from "../env.ts";
import { z } from "zod";

export const cdnEnvSchema = z.object({
  AGORA_CDN_URL: z
    .url({
      protocol: /^https?$/,
      message: "AGORA_CDN_URL must be an http(s) origin, e.g. https://cdn.example.com",
    })
    .optional(),
});

export function resolveCdnUrl(
  source: Record<string, string | undefined>,
  t: () => Pick<Topology, "host" | "apps">,
): { url: string; source: "AGORA_CDN_URL" | "topology" } {
  const env = parseEnv(cdnEnvSchema, source);
  if (env.AGORA_CDN_URL) {
    const url = env.AGORA_CDN_URL.replace(/\/+$/, "");
    if (new URL(url).pathname.startsWith("/media"))
      throw new InvalidEnvError([
        "AGORA_CDN_URL: give the CDN origin without /media (paths already start with it)",
      ]);
    return { url, source: "AGORA_CDN_URL" };
  }
  const topo = t();
  return { url: `http://${topo.host}:${topo.apps.cdn}`, source: "topology" };
}

/**
 * The CDN origin of a web app: AGORA_CDN_URL, or this machine's topology edge. The auth secret is
 * not needed, so pages that only render images load at build time too.
 */
export function appCdn(source: Record<string, string | undefined> = process.env) {
  return resolveCdnUrl(source, () => topology(loadWebEnv(source).AGORA_PROFILE));
}

/** `/media/products/x.svg` (as stored) → absolute CDN URL; absolute URLs pass through. */
export function mediaUrlFor(cdnUrl: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${cdnUrl}${path.startsWith("/") ? "" : "/"}${path}`;
}
