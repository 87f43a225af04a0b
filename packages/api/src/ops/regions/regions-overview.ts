/**
 * The console's Regions page (docs/adr/0010): the regions and what runs in each, the link between
 * them with its mode and round trip, the remote copies' staleness over time, where each tenant
 * lives (home region, shard, the shard's region), shoppers per home region, the region drills
 * and — for `ops:regions` — the partition controls (the drill controls: region-drill-runs.ts). With one region it says so and how to start two.
 */
import { TRPCError } from "@trpc/server";
import { core } from "@agora/db";
import { createLogger } from "@agora/telemetry";
import { withTimeout } from "../../data-layer/timeout.ts";
import { hasOpsBackend, opsBackend } from "../backend.ts";
import { regionDrills } from "./region-drills.ts";
import { regionLagHistory } from "./region-lag-history.ts";
import type { SetRegionLinkInput } from "./regions.schema.ts";

const log = createLogger({ service: "ops-regions" });
/** Core reads of the page are bounded: while core is down the rest of the page still answers. */
const CORE_READ_TIMEOUT_MS = 3_000;

/** How a deployment with one region gets a second (the page shows it). */
export const TWO_REGIONS_HINT = "npm start -- --regions 2 (or AGORA_REGIONS=2 npm start)";

/** What the page says about the data each region holds (ADR 0010's table, per kind of data). */
export const CONSISTENCY_BY_DATA = [
  { data: "Orders, payments, ledger", choice: "CP", read: "strong (core primary, in the core region only)" },
  { data: "Catalogue", choice: "AP", read: "eventual, bounded by the copy's age shown" },
  { data: "Carts", choice: "AP", read: "the region's own Redis" },
  { data: "Sessions", choice: "AP", read: "a signed cookie, checked against no store" },
  { data: "Vendor shards", choice: "CP-leaning", read: "strong, in the shard's home region" },
] as const;

export async function regionsOverview(minutes: number) {
  const backend = hasOpsBackend() ? opsBackend() : undefined;
  if (!backend?.regionsOverview) return { available: false as const };
  const topology = await withTimeout("regions overview", 6_000, backend.regionsOverview()).catch((err: Error) => {
    log.warn({ err: err.message }, "regions overview failed");
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "the regions could not be read in time; try again" });
  });
  const regionNames = topology.regions.map((r) => r.name);
  const db = core().primary;
  // Core is the console's own database and a region drill takes it away: the regions, the link and
  // the drill's progress (region-drill-runs.ts) are shown without it; tenants and history wait.
  const fromCore = <T>(what: string, work: () => Promise<T>): Promise<T | null> =>
    withTimeout(what, CORE_READ_TIMEOUT_MS, work()).catch((err: Error) => {
      log.warn({ err: err.message }, `${what} unavailable`);
      return null;
    });
  const [vendors, shoppers, drills] = await Promise.all([
    fromCore("tenant placement", () =>
      db.vendor.findMany({
        select: { id: true, slug: true, name: true, homeRegion: true, shard: { select: { shard: true } } },
        orderBy: { name: "asc" },
        take: 500,
      }),
    ),
    fromCore("shoppers by region", () =>
      db.user.groupBy({
        by: ["homeRegion"],
        where: { erasedAt: null, roles: { some: { roleName: "shopper" } } },
        _count: { _all: true },
      }),
    ),
    fromCore("region drills", () => regionDrills(regionNames)),
  ]);
  return {
    available: true as const,
    coreRegion: topology.coreRegion,
    promotedRegion: topology.promotedRegion,
    regions: topology.regions,
    shardRegions: topology.shardRegions,
    links: topology.links,
    unreachableLinks: topology.unreachableLinks,
    lag: regionLagHistory(minutes),
    consistency: CONSISTENCY_BY_DATA,
    twoRegionsHint: TWO_REGIONS_HINT,
    /** Null while core cannot be read (during a region drill, until failback). */
    tenants: vendors === null ? null : vendors.map((v) => {
      const shard = v.shard?.shard ?? null;
      const shardRegion = shard ? (topology.shardRegions[shard] ?? null) : null;
      return {
        id: v.id,
        slug: v.slug,
        name: v.name,
        homeRegion: v.homeRegion,
        shard,
        shardRegion,
        // The invariant of data locality: a vendor's shard runs in its home region.
        local: shardRegion === null || shardRegion === v.homeRegion,
      };
    }),
    shoppersByRegion: shoppers ? Object.fromEntries(shoppers.map((s) => [s.homeRegion, s._count._all])) : null,
    drills,
  };
}

/** Cuts, heals or degrades the link; audited. One region: PRECONDITION_FAILED, clearly. */
export async function setRegionLink(actorUserId: string, input: SetRegionLinkInput) {
  const backend = opsBackend();
  const overview = backend.regionsOverview ? await backend.regionsOverview() : null;
  if (!backend.setRegionLink || !overview || overview.regions.length < 2)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: `this deployment runs one region: there is no link to change (start two with ${TWO_REGIONS_HINT})`,
    });
  const change = { ...(input.mode ? { mode: input.mode } : {}), ...(input.rttMs !== undefined ? { rttMs: input.rttMs } : {}) };
  let view;
  try {
    view = await withTimeout("region link change", 5_000, backend.setRegionLink(change));
  } catch (err) {
    log.warn({ err: (err as Error).message }, "region link change failed");
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "the region link does not answer; is the two-region topology running?" });
  }
  await core().primary.auditLog.create({
    data: { actorUserId, action: "region.link", targetType: "region", targetId: view.region, details: change },
  });
  return view;
}
