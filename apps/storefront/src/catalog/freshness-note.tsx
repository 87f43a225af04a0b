/**
 * Where the catalogue is read from and how old it is, shown only when it matters: in a region that
 * reads a copy of the catalogue (docs/adr/0010), or when the copy is older than a few seconds (the
 * regions are cut off: the catalogue is still served, stale, rather than not at all).
 */
interface Freshness {
  region: string;
  coreRegion: string;
  copyAgeMs: number | null;
}

const STALE_AFTER_MS = 5_000;

function age(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

export function FreshnessNote({ freshness }: { freshness: Freshness | null | undefined }) {
  if (!freshness) return null;
  const stale = freshness.copyAgeMs === null || freshness.copyAgeMs > STALE_AFTER_MS;
  if (freshness.region === freshness.coreRegion && !stale) return null;
  return (
    <p
      role="status"
      data-testid="catalog-freshness"
      className={`text-xs ${stale ? "text-amber-700 dark:text-amber-400" : "text-zinc-500"}`}
    >
      {stale
        ? `Catalogue as of ${freshness.copyAgeMs === null ? "an unknown time" : `${age(freshness.copyAgeMs)} ago`}: region ${freshness.region} cannot reach ${freshness.coreRegion} right now, so prices and stock may have changed. Checkout is paused until it can.`
        : `Catalogue served in region ${freshness.region} (as of ${age(freshness.copyAgeMs ?? 0)} ago).`}
    </p>
  );
}
