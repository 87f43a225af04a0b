/**
 * The replication heartbeat of `core` across regions: the region holding the core primary stamps
 * its row every second (`beatReplicationHeartbeat`, run by the maintenance pool); any region
 * reads, from its nearest replica, how old that stamp is (`coreCopyAge`). A standby that stopped
 * receiving (a cut link) keeps serving reads, and the growing age says how stale they are —
 * replay lag alone cannot, since a standby that receives nothing is "caught up" with itself.
 */
import { core } from "../clients/registry.ts";

export interface CoreCopyAge {
  /** ms since the primary's last heartbeat, as the copy that answered has it; null before the first. */
  ageMs: number | null;
  beatAt: string | null;
  /** Which copy answered: the local replica/standby, or the primary (the replica was unreachable). */
  servedBy: "primary" | "replica";
}

/** One heartbeat on the core primary (an upsert of one row: cheap enough every second). */
export async function beatReplicationHeartbeat(region: string): Promise<void> {
  await core().primary.$executeRaw`
    INSERT INTO replication_heartbeats (region, beat_at) VALUES (${region}, clock_timestamp())
    ON CONFLICT (region) DO UPDATE SET beat_at = excluded.beat_at`;
}

/** How old the nearest copy of core is, by the heartbeat of `primaryRegion` (eventual read). */
export async function coreCopyAge(primaryRegion: string): Promise<CoreCopyAge> {
  const r = await core().read({ level: "eventual" }, (tx) =>
    tx.$queryRaw<{ age_ms: number | null; beat_at: Date | null }[]>`
      SELECT (extract(epoch FROM clock_timestamp() - beat_at) * 1000)::float8 AS age_ms, beat_at
      FROM replication_heartbeats WHERE region = ${primaryRegion}`,
  );
  const row = r.value[0];
  return {
    ageMs: row?.age_ms === null || row?.age_ms === undefined ? null : Math.max(0, Math.round(row.age_ms)),
    beatAt: row?.beat_at ? row.beat_at.toISOString() : null,
    servedBy: r.servedBy,
  };
}
