/**
 * What runs in which region, read from the topology (the console's Regions page draws it): eu holds
 * the core primary, the vendor shards homed there (SHARD_REGIONS), its storefronts, Redis and every
 * worker pool; a remote region its standby copy of core, its storefronts and its Redis — and no
 * worker pool: its orders' sagas are started by eu's from the outbox (docs/adr/0010 "Workers in us").
 * After a region failover (`region-failover.json` in the state folder) the promoted region holds
 * core's primary and runs the failover workers; eu's core is no one's primary until failback.
 */
import { WORKER_PROCESSES } from "@agora/config";
import { FAILOVER_WORKERS, failoverWorkerName, PRIMARY_REGION, SHARD_REGIONS, type Topology } from "../topology.ts";
import { holdsCorePrimary } from "./failover-state.ts";

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
  const promoted = t.remoteRegions.find((r) => holdsCorePrimary(r));
  const coreRegion = promoted?.name ?? PRIMARY_REGION;
  const primariesIn = (region: string) =>
    t.clusters.filter((c) => (c.kind === "core" ? coreRegion : SHARD_REGIONS[c.name]) === region).map((c) => c.name);
  const eu: RegionPlacementView = {
    name: PRIMARY_REGION,
    holdsCorePrimary: coreRegion === PRIMARY_REGION,
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
      holdsCorePrimary: r.name === coreRegion,
      // Promoted, its copy of core is core's primary (listed as core's, as eu's was).
      primaries: [...(r.name === coreRegion ? ["core"] : []), ...primariesIn(r.name).filter((c) => c !== "core")],
      copies: r.name === coreRegion ? [] : [r.coreStandby.name],
      storefronts: r.storefront.map((_, i) => `storefront-${r.name}-${i + 1}`),
      redis: r.redis.nodes.map((n) => n.name),
      workers: r.name === coreRegion ? FAILOVER_WORKERS.map((w) => failoverWorkerName(r, w)) : [],
    })),
  ];
}
