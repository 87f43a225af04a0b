import { loadWebEnv } from "@agora/api/env";
import { topology } from "@agora/infra-local/topology";
import { mediaUrlFor, resolveCdnUrl } from "./cdn-url.ts";

/**
 * AGORA_CDN_URL, or the local topology's CDN edge when unset. Kept apart from src/env.ts (which
 * also resolves the auth secret) so pages that only render images load at build time too.
 */
export const cdn = resolveCdnUrl(process.env, () => topology(loadWebEnv().AGORA_PROFILE));

/** Absolute URL of a stored media path (`/media/...`) on the CDN edge. */
export const mediaUrl = (path: string) => mediaUrlFor(cdn.url, path);
