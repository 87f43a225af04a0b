/**
 * Steady shopper reads through the local gateway while a release runs beside it
 * (`npm run deploy`), counted per window: requests, failed requests (non-2xx or a connection
 * error), p95. The pages ask past the edge cache (`cache-control: no-cache`), so the storefront
 * instances the release moves traffic between answer every request. Loopback only; bounded in
 * duration (at most 15 min), connections (at most 16) and requests.
 */
import type { ProfileName } from "@agora/infra-local/topology";
import { IdentityPool } from "../identity.ts";
import { catalogFixtures } from "../journeys/catalog-fixtures.ts";
import { ShopperClient } from "../journeys/http-client.ts";
import { queryPath } from "../journeys/trpc.ts";
import { runHttpLoad } from "../load/http-load.ts";
import { benchTarget } from "../target.ts";

const LIMITS = { maxDurationS: 900, maxConnections: 16 } as const;

export class ReleaseTrafficOptionsError extends Error {
  readonly code = "RELEASE_TRAFFIC_OPTIONS_INVALID";
}

export interface ReleaseTrafficWindow {
  atS: number;
  requests: number;
  failed: number;
  p95Ms: number;
  byStatus: Record<string, number>;
}

export async function runReleaseTraffic(o: {
  profile?: ProfileName;
  durationS: number;
  connections: number;
  windowS: number;
  onWindow?: (w: ReleaseTrafficWindow) => void;
}): Promise<{ windows: ReleaseTrafficWindow[]; requests: number; failed: number }> {
  if (!(o.durationS > 0 && o.durationS <= LIMITS.maxDurationS)) throw new ReleaseTrafficOptionsError(`duration must be 1–${LIMITS.maxDurationS} s`);
  if (!(o.connections > 0 && o.connections <= LIMITS.maxConnections))
    throw new ReleaseTrafficOptionsError(`connections must be 1–${LIMITS.maxConnections}`);
  const target = benchTarget(o.profile);
  if (!/^http:\/\/127\.\d+\.\d+\.\d+:\d+$/.test(target.gatewayUrl))
    throw new ReleaseTrafficOptionsError(`release traffic only goes to loopback, not ${target.gatewayUrl}`);
  const identities = new IdentityPool();
  const scout = new ShopperClient(target.gatewayUrl, identities.take());
  const f = await catalogFixtures(scout);
  scout.close();
  const paths = [queryPath("catalog.home"), queryPath("catalog.product", { productId: f.productId })];
  const windows: ReleaseTrafficWindow[] = [];
  const started = Date.now();
  while (Date.now() - started < o.durationS * 1000) {
    const left = o.durationS - (Date.now() - started) / 1000;
    const r = await runHttpLoad({
      url: target.gatewayUrl,
      paths,
      headers: { "cache-control": "no-cache" },
      connections: o.connections,
      durationS: Math.max(1, Math.min(o.windowS, Math.round(left))),
      maxRequests: 200_000,
      requestsPerClient: 50,
      nextClientHeaders: () => identities.take().headers,
      nextLocalAddress: identities.nextLocalAddress(),
    });
    const w = {
      atS: Math.round((Date.now() - started) / 1000),
      requests: r.requests,
      failed: r.errors + r.non2xx,
      p95Ms: Math.round(r.p95Ms),
      byStatus: r.byStatus,
    };
    windows.push(w);
    o.onWindow?.(w);
  }
  return {
    windows,
    requests: windows.reduce((a, w) => a + w.requests, 0),
    failed: windows.reduce((a, w) => a + w.failed, 0),
  };
}
