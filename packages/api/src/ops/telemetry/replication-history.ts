/**
 * Replication lag over time for the Metrics page: every 5 s the console asks Patroni for each
 * cluster's leader and each replica for its own replay lag, and keeps 60 min
 * per cluster. Leaders are recorded at 0, so a failover shows as one member's line dropping to 0
 * while another's appears.
 */
import { hasOpsBackend, opsBackend, type MemberLag } from "../backend.ts";
import { withTimeout } from "../../data-layer/timeout.ts";

export interface LagPoint {
  t: number;
  /** Replay lag in ms per member name; null when the member could not be asked. */
  lagMs: Record<string, number | null>;
}

export interface ClusterLag {
  cluster: string;
  members: string[];
  points: LagPoint[];
}

const EVERY_MS = 5_000;
const KEEP_MS = 60 * 60_000;

interface State {
  points: Map<string, LagPoint[]>;
  members: Map<string, Set<string>>;
  timer?: NodeJS.Timeout;
}

const KEY = Symbol.for("@agora/api/replication-history");
const slot = globalThis as typeof globalThis & { [KEY]?: State };

/** One sample per cluster from the members' lag readings. */
export function lagSample(members: readonly MemberLag[], t: number): Map<string, LagPoint> {
  const out = new Map<string, LagPoint>();
  for (const m of members) {
    const point = out.get(m.cluster) ?? { t, lagMs: {} };
    point.lagMs[m.member] = m.lagMs;
    out.set(m.cluster, point);
  }
  return out;
}

async function sampleOnce(s: State): Promise<void> {
  const now = Date.now();
  try {
    if (!hasOpsBackend()) return; // nothing to chart where no backend can ask Patroni
    const members = await withTimeout("replication lag probe", 4_000, opsBackend().replicationLag());
    for (const [cluster, point] of lagSample(members, now)) {
      const list = s.points.get(cluster) ?? [];
      list.push(point);
      while (list.length > 0 && (list[0]?.t ?? now) < now - KEEP_MS) list.shift();
      s.points.set(cluster, list);
      const members = s.members.get(cluster) ?? new Set<string>();
      for (const m of Object.keys(point.lagMs)) members.add(m);
      s.members.set(cluster, members);
    }
  } catch (err) {
    // A probe that timed out leaves a gap in the chart; the next one fills in again.
    void err;
  }
}

/** Starts sampling on first use; returns the last `minutes` per cluster. */
export function replicationHistory(minutes: number): ClusterLag[] {
  let s = slot[KEY];
  if (!s) {
    s = { points: new Map(), members: new Map() };
    slot[KEY] = s;
    const started = s;
    void sampleOnce(started);
    started.timer = setInterval(() => void sampleOnce(started), EVERY_MS);
    started.timer.unref();
  }
  const since = Date.now() - minutes * 60_000;
  return [...s.points.entries()]
    .map(([cluster, points]) => ({
      cluster,
      members: [...(s.members.get(cluster) ?? [])].sort(),
      points: points.filter((p) => p.t >= since),
    }))
    .sort((a, b) => a.cluster.localeCompare(b.cluster));
}
