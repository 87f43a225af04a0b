/**
 * What runs in which region, read from the topology (the console's Regions page draws it): eu holds
 * the core primary, the vendor shards homed there (SHARD_REGIONS), its storefronts, Redis and every
 * worker pool; a remote region its standby copy of core, its storefronts and its Redis — and no
 * worker pool: its orders' sagas are started by eu's from the outbox (docs/adr/0010 "Workers in us").
 */
import { WORKER_PROCESSES } from "@agora/config";
import { PRIMARY_REGION, SHARD_REGIONS, type Topology } from "../topology.ts";

export interface RegionPlacementView {
  name: string;
  holdsCorePrimary: boolean;
  primaries: string[];
  copies: string[];
  storefronts: string[];
  redis: string[];
  workers: string[];
}

export function regionPlacements(t: Topology): RegionPlacementView[] {
  const primariesIn = (region: string) =>
    t.clusters.filter((c) => (c.kind === "core" ? PRIMARY_REGION : SHARD_REGIONS[c.name]) === region).map((c) => c.name);
  const eu: RegionPlacementView = {
    name: PRIMARY_REGION,
    holdsCorePrimary: true,
    primaries: primariesIn(PRIMARY_REGION),
    copies: [],
    storefronts: t.apps.storefront.map((_, i) => `storefront-${i + 1}`),
    redis: t.redis.nodes.map((n) => n.name),
    workers: WORKER_PROCESSES.filter((w) => !/-\d+$/.test(w)).map((w) => `workers-${w}`),
  };
  return [
    eu,
    ...t.remoteRegions.map((r) => ({
      name: r.name,
      holdsCorePrimary: false,
      primaries: primariesIn(r.name),
      copies: [r.coreStandby.name],
      storefronts: r.storefront.map((_, i) => `storefront-${r.name}-${i + 1}`),
      redis: r.redis.nodes.map((n) => n.name),
      workers: [],
    })),
  ];
}
