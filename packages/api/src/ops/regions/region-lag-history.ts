/**
 * The remote regions' staleness over time for the Regions page: every 5 s the console asks the
 * ops backend for each link and its standby (the copy's age by the replication heartbeat, the
 * bytes it is behind, the link's mode and round trip) and keeps 60 min in memory, as
 * replication-history.ts does for the clusters inside eu. A cut shows as the age climbing in a
 * straight line until the link heals.
 */
import { withTimeout } from "../../data-layer/timeout.ts";
import { hasOpsBackend, opsBackend, type RegionLinkView } from "../backend.ts";

export interface RegionLagPoint {
  t: number;
  /** Per remote region: how old its copy of core is (ms), null when it could not be asked. */
  copyAgeMs: Record<string, number | null>;
  /** Per remote region: bytes of WAL it is behind. */
  lagBytes: Record<string, number | null>;
  /** Per remote region: the link's mode at that moment. */
  mode: Record<string, RegionLinkView["state"]["mode"]>;
}

const EVERY_MS = 5_000;
const KEEP_MS = 60 * 60_000;

interface State {
  points: RegionLagPoint[];
  timer?: NodeJS.Timeout;
}

const KEY = Symbol.for("@agora/api/region-lag-history");
const slot = globalThis as typeof globalThis & { [KEY]?: State };

/** One point from the links as the backend reported them (the worst member per region). */
export function regionLagPoint(links: readonly RegionLinkView[], t: number): RegionLagPoint {
  const point: RegionLagPoint = { t, copyAgeMs: {}, lagBytes: {}, mode: {} };
  for (const l of links) {
    const worst = (xs: (number | null)[]) => (xs.some((x) => x === null) || xs.length === 0 ? null : Math.max(...(xs as number[])));
    point.copyAgeMs[l.region] = worst(l.standby.map((s) => s.copyAgeMs));
    point.lagBytes[l.region] = worst(l.standby.map((s) => s.lagBytes));
    point.mode[l.region] = l.state.mode;
  }
  return point;
}

/** Appends `point` and drops what is older than the window (pure, for the tests). */
export function keepWindow(points: RegionLagPoint[], point: RegionLagPoint, keepMs = KEEP_MS): RegionLagPoint[] {
  return [...points, point].filter((p) => p.t >= point.t - keepMs);
}

async function sampleOnce(s: State): Promise<void> {
  if (!hasOpsBackend()) return;
  const backend = opsBackend();
  if (!backend.regionsOverview) return;
  try {
    const view = await withTimeout("regions probe", 4_000, backend.regionsOverview());
    if (view.links.length === 0) return; // one region: nothing to chart
    s.points = keepWindow(s.points, regionLagPoint(view.links, Date.now()));
  } catch (err) {
    // A probe that timed out (a cut link can) leaves a gap in the chart; the next one fills in.
    void err;
  }
}

/** Starts sampling on first use; returns the last `minutes`. */
export function regionLagHistory(minutes: number): RegionLagPoint[] {
  let s = slot[KEY];
  if (!s) {
    s = { points: [] };
    slot[KEY] = s;
    const started = s;
    void sampleOnce(started);
    started.timer = setInterval(() => void sampleOnce(started), EVERY_MS);
    started.timer.unref();
  }
  const since = Date.now() - minutes * 60_000;
  return s.points.filter((p) => p.t >= since);
}
