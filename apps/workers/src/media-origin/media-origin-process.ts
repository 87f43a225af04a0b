/** Wiring for `main.ts media-origin`: the origin on the topology's port, purging the edge's cache. */
import { cdnPaths } from "@agora/infra-local/cdn";
import { topology } from "@agora/infra-local/topology";
import { createMediaOrigin } from "./media-server.ts";

export async function startMediaOrigin(): Promise<{ close: () => Promise<void> }> {
  const t = topology();
  const origin = createMediaOrigin({ stateDir: t.stateDir, cacheDir: cdnPaths(t).cacheDir });
  await origin.listen(Number(process.env.PORT ?? t.apps.mediaOrigin), t.host);
  return origin;
}
