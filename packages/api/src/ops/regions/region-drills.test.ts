import { describe, expect, it } from "vitest";
import { isRegionDrill, regionDrillNumbers } from "./region-drills.ts";

describe("region drills in the drill store", () => {
  it("reads RTO and RPO whichever way the report names them", () => {
    expect(regionDrillNumbers({ rtoMs: 14_200, rpo: { ordersLost: 3, ms: 850 } })).toEqual({ rtoMs: 14_200, rpoLost: 3, rpoMs: 850 });
    expect(regionDrillNumbers({ drill: { rto_ms: 9_800, lost_writes: 0 } })).toEqual({ rtoMs: 9_800, rpoLost: 0, rpoMs: null });
    expect(regionDrillNumbers({ rto_ms: 1, rpo: 2, rpo_ms: 3 })).toEqual({ rtoMs: 1, rpoLost: 2, rpoMs: 3 });
  });

  it("reads the region drill's own row: RPO as the writes acknowledged in the lost region, and its window", () => {
    const row = { drill: { rto_ms: 4_700, lost_writes: 5, region: { lost: "eu", rpo_writes: 4, rpo_window_ms: 413 } }, traffic: null, invariants: [] };
    expect(regionDrillNumbers(row)).toEqual({ rtoMs: 4_700, rpoLost: 4, rpoMs: 413 });
    expect(isRegionDrill({ cluster: "region-eu", mode: "kill" }, ["eu", "us"])).toBe(true);
  });

  it("shows nothing rather than failing for a report without those numbers", () => {
    expect(regionDrillNumbers(null)).toEqual({ rtoMs: null, rpoLost: null, rpoMs: null });
    expect(regionDrillNumbers({ rtoMs: "fast", rpo: { ordersLost: null } })).toEqual({ rtoMs: null, rpoLost: null, rpoMs: null });
  });

  it("tells region drills from the cluster failover drills", () => {
    expect(isRegionDrill({ cluster: "eu", mode: "kill" }, ["eu", "us"])).toBe(true);
    expect(isRegionDrill({ cluster: "core", mode: "region-failover" }, ["eu", "us"])).toBe(true);
    expect(isRegionDrill({ cluster: "core", mode: "kill" }, ["eu", "us"])).toBe(false);
    expect(isRegionDrill({ cluster: "shard-1", mode: "freeze" }, ["eu"])).toBe(false);
  });
});
