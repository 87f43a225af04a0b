import { describe, expect, it } from "vitest";
import type { RegionLinkView } from "../backend.ts";
import { keepWindow, regionLagPoint } from "./region-lag-history.ts";

const link = (mode: RegionLinkView["state"]["mode"], standby: RegionLinkView["standby"]): RegionLinkView => ({
  region: "us",
  state: { mode, rttMs: 80 },
  changedAt: "2026-12-05T00:00:00.000Z",
  routes: [],
  standby,
});

describe("the us copy's staleness over time", () => {
  it("charts the copy's age, its bytes behind and the link's mode per region", () => {
    const p = regionLagPoint([link("cut", [{ member: "core-us-1", role: "standby_leader", lagBytes: 65_000, copyAgeMs: 18_700 }])], 1_000);
    expect(p).toEqual({ t: 1_000, copyAgeMs: { us: 18_700 }, lagBytes: { us: 65_000 }, mode: { us: "cut" } });
  });

  it("leaves a gap, not a zero, when the standby could not be asked", () => {
    const p = regionLagPoint([link("healthy", [{ member: "core-us-1", role: null, lagBytes: null, copyAgeMs: null }])], 1);
    expect(p.copyAgeMs.us).toBeNull();
    expect(p.lagBytes.us).toBeNull();
  });

  it("keeps only the window", () => {
    const at = (t: number) => ({ t, copyAgeMs: {}, lagBytes: {}, mode: {} });
    const kept = keepWindow([at(0), at(50), at(90)], at(100), 60);
    expect(kept.map((p) => p.t)).toEqual([50, 90, 100]);
  });
});
