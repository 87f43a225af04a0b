/** Wiring for `main.ts media-origin`: the origin on HOST:PORT, serving AGORA_STORAGE_DIR, purging the edge's cache. */
import { cdnCacheSchema, listenSchema, loadConfig, mediaOriginTokenSchema, storageSchema } from "@agora/config";
import { createMediaOrigin } from "./media-server.ts";

export async function startMediaOrigin(): Promise<{ close: () => Promise<void> }> {
  const env = loadConfig(listenSchema.extend(storageSchema.shape).extend(cdnCacheSchema.shape));
  const { AGORA_MEDIA_ORIGIN_TOKEN } = loadConfig(mediaOriginTokenSchema);
  const origin = createMediaOrigin({
    stateDir: env.AGORA_STORAGE_DIR,
    cacheDir: env.AGORA_CDN_CACHE_DIR,
    token: AGORA_MEDIA_ORIGIN_TOKEN,
  });
  await origin.listen(env.PORT, env.HOST);
  return origin;
}
