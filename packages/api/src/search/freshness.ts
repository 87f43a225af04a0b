/**
 * How far behind its sources the search read model is. The projection records, per source cluster,
 * the outbox time of the last event it applied and when it applied it; the lag of the read model is
 * the delay of those last events, plus the core replica's own replay lag when a replica answered.
 */
import type { CoreTx } from "@agora/db";

export const SEARCH_PROJECTION = "search-projection";

/** Above this the storefront says "results may be a few seconds behind". */
export const STALE_AFTER_MS = 2_000;

export interface Freshness {
  lagMs: number;
  stale: boolean;
}

export async function projectionLagMs(db: Pick<CoreTx, "$queryRawUnsafe">): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ lag_ms: number | null }[]>(
    `SELECT max(extract(epoch FROM (applied_at - event_at)) * 1000)::float8 AS lag_ms
     FROM projection_checkpoints WHERE projection = $1`,
    SEARCH_PROJECTION,
  );
  return Math.max(0, Math.round(rows[0]?.lag_ms ?? 0));
}

export function freshnessOf(projectionLag: number, replicaLag: number | undefined): Freshness {
  const lagMs = projectionLag + Math.max(0, replicaLag ?? 0);
  return { lagMs, stale: lagMs > STALE_AFTER_MS };
}
