import { loadAuthEnv, loadWebEnv } from "@agora/api/env";
import { topology } from "@agora/infra-local/topology";
import { APP } from "./auth/config.ts";
import { mediaUrlFor, resolveCdnUrl } from "./media/cdn-url.ts";

/** Validated once at start-up (see instrumentation.ts); import `env` instead of reading process.env. */
export const env = loadWebEnv();

/** NEXTAUTH_SECRET / NEXTAUTH_URL, or defaults derived from the local topology (see README). */
export const authEnv = loadAuthEnv(APP);
console.log(`[auth] ${APP}: NEXTAUTH_URL=${authEnv.url}, secret from ${authEnv.secretSource}`);

/** AGORA_CDN_URL, or the local topology's CDN edge when unset (see src/media/cdn-url.ts). */
export const cdn = resolveCdnUrl(process.env, () => topology(env.AGORA_PROFILE));
console.log(`[media] storefront: AGORA_CDN_URL=${cdn.url} (from ${cdn.source})`);

/** Absolute URL of a stored media path (`/media/...`) on the CDN edge. */
export const mediaUrl = (path: string) => mediaUrlFor(cdn.url, path);
