/** This process's region settings (validated once, on first use). */
import { loadConfig, regionSchema, type RegionSettings } from "@agora/config";

let settings: RegionSettings | undefined;

export function regionSettings(): RegionSettings {
  settings ??= loadConfig({ region: regionSchema }).region;
  return settings;
}

/** True where the core primary is not local: orders go over the region link, or not at all. */
export function outsideCoreRegion(): boolean {
  const s = regionSettings();
  return s.AGORA_REGION !== s.AGORA_CORE_REGION;
}

/** Tests: forget the settings read so far. */
export function resetRegionSettings(): void {
  settings = undefined;
}
