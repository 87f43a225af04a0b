import { appCdn } from "@agora/api/media";
import { mediaUrlFor } from "./cdn-url.ts";

/** AGORA_CDN_URL, or the local topology's CDN edge when unset. */
export const cdn = appCdn();

/** Absolute URL of a stored media path (`/media/...`) on the CDN edge. */
export const mediaUrl = (path: string) => mediaUrlFor(cdn.url, path);
