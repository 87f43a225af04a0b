import { appCdn } from "@agora/api/media";
import { mediaUrlFor } from "./cdn-url.ts";

/** Absolute URL of a stored media path (`/media/...`) on the CDN edge (AGORA_CDN_URL). */
export const mediaUrl = (path: string) => mediaUrlFor(appCdn().url, path);
