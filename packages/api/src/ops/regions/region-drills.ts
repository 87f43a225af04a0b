/**
 * Region failover drills in the console's drill store (`drill_runs`, where every drill keeps its
 * report): a row is a region drill when its mode starts with "region" or its target is a region.
 * The region drill's report is written by its own runner (infra/local drills), so its numbers are
 * looked for under the names a report may use — camelCase or the failover drills' snake_case, at
 * the top or under `drill` — and a report without them shows "–", never an error.
 */
import { core } from "@agora/db";

export interface RegionDrillRow {
  id: string;
  target: string;
  mode: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Region lost → first acknowledged write in the surviving region. */
  rtoMs: number | null;
  /** Acknowledged orders (or writes) lost: the price of asynchronous replication. */
  rpoLost: number | null;
  /** The same as a time window, when the report gives one. */
  rpoMs: number | null;
}

type Path = readonly string[];

const RTO_MS: Path[] = [["rtoMs"], ["rto_ms"], ["rto", "ms"], ["drill", "rtoMs"], ["drill", "rto_ms"]];
const RPO_LOST: Path[] = [
  ["rpoOrders"],
  ["rpo_orders"],
  ["rpo", "ordersLost"],
  ["rpo", "lostOrders"],
  ["rpo", "orders"],
  ["rpo", "lost"],
  ["rpo"],
  ["lostOrders"],
  ["lost_orders"],
  ["lostWrites"],
  ["lost_writes"],
  ["drill", "rpoOrders"],
  // The region drill's own report (infra/local/src/drills/region-failover.ts): writes acknowledged
  // in the lost region and missing after the promotion.
  ["drill", "region", "rpo_writes"],
  ["drill", "lost_writes"],
];
const RPO_MS: Path[] = [["rpoMs"], ["rpo_ms"], ["rpo", "ms"], ["drill", "rpoMs"], ["drill", "rpo_ms"], ["drill", "region", "rpo_window_ms"]];

function at(value: unknown, path: Path): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function firstNumber(report: unknown, paths: readonly Path[]): number | null {
  for (const p of paths) {
    const v = at(report, p);
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return null;
}

/** RTO and RPO from a region drill's report, whatever its field names (see the header). */
export function regionDrillNumbers(report: unknown): Pick<RegionDrillRow, "rtoMs" | "rpoLost" | "rpoMs"> {
  return { rtoMs: firstNumber(report, RTO_MS), rpoLost: firstNumber(report, RPO_LOST), rpoMs: firstNumber(report, RPO_MS) };
}

/** Whether a `drill_runs` row is a region drill. */
export function isRegionDrill(row: { cluster: string; mode: string }, regions: readonly string[]): boolean {
  return row.mode.startsWith("region") || row.cluster.startsWith("region") || regions.includes(row.cluster);
}

/** The newest region drills, newest first. */
export async function regionDrills(regions: readonly string[]): Promise<RegionDrillRow[]> {
  const rows = await core().primary.drillRun.findMany({
    where: {
      OR: [{ mode: { startsWith: "region" } }, { cluster: { startsWith: "region" } }, { cluster: { in: [...regions] } }],
    },
    orderBy: { startedAt: "desc" },
    take: 20,
  });
  return rows
    .filter((r) => isRegionDrill(r, regions))
    .map((r) => ({
      id: r.id,
      target: r.cluster,
      mode: r.mode,
      status: r.status,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      error: r.error,
      ...regionDrillNumbers(r.report),
    }));
}
