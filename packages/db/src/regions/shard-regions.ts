/**
 * Data locality for vendors (docs/adr/0010 "Data locality"): every shard's primary runs in one
 * region (AGORA_SHARD_REGIONS, written by the topology; unnamed shards are in the core region), and
 * a vendor is placed only on a shard of its home region, which core records in
 * `vendors.home_region`. Pure placement rules here; createVendor applies them.
 */
import { loadConfig, regionSchema, type RegionSettings } from "@agora/config";
import { DatabaseError } from "../errors/database-errors.ts";

export class NoShardInRegionError extends DatabaseError {
  constructor(region: string, shards: Readonly<Record<string, string>>) {
    super(
      "NO_SHARD_IN_REGION",
      `no vendor shard has its primary in region "${region}" (shards: ${Object.entries(shards)
        .map(([s, r]) => `${s}=${r}`)
        .join(", ")})`,
    );
  }
}

let settings: RegionSettings | undefined;

function regionSettings(): RegionSettings {
  settings ??= loadConfig({ region: regionSchema }).region;
  return settings;
}

/** Each shard's region: the configured placement, the core region for shards it does not name. */
export function shardRegions(
  shards: readonly string[],
  placement: Readonly<Record<string, string>> = regionSettings().AGORA_SHARD_REGIONS,
  coreRegion: string = regionSettings().AGORA_CORE_REGION,
): Record<string, string> {
  return Object.fromEntries(shards.map((s) => [s, placement[s] ?? coreRegion]));
}

/** The shards a vendor homed in `region` may be placed on; a typed error when there is none. */
export function shardsInRegion(region: string, regions: Readonly<Record<string, string>>): string[] {
  const inRegion = Object.keys(regions).filter((s) => regions[s] === region);
  if (inRegion.length === 0) throw new NoShardInRegionError(region, regions);
  return inRegion;
}

/** A new vendor's home region when the caller names none: where core (and the platform) lives. */
export function defaultVendorRegion(): string {
  return regionSettings().AGORA_CORE_REGION;
}

/** Tests: forget the settings read so far. */
export function resetShardRegionSettings(): void {
  settings = undefined;
}
