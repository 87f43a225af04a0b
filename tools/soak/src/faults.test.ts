import { afterEach, describe, expect, it } from "vitest";
import { topology } from "@agora/infra-local/topology";
import { faultMenu } from "./faults.ts";
import { planRounds } from "./schedule.ts";

const REGION_KINDS = ["region-partition", "region-link-slow", "witness-cut"];

describe("the fault menu's region faults", () => {
  const saved = process.env.AGORA_REGIONS;
  afterEach(() => {
    if (saved === undefined) delete process.env.AGORA_REGIONS;
    else process.env.AGORA_REGIONS = saved;
  });

  it("has no region targets with one region", () => {
    process.env.AGORA_REGIONS = "1";
    const menu = faultMenu(topology("test"));
    for (const k of REGION_KINDS) expect(menu.find((m) => m.kind === k)?.targets).toEqual([]);
  });

  it("cuts, slows and cuts the witness off with two regions, never two of them at once (that could isolate eu and promote us)", () => {
    process.env.AGORA_REGIONS = "2";
    const menu = faultMenu(topology("test"));
    expect(menu.find((m) => m.kind === "region-partition")?.targets).toEqual(["us"]);
    expect(menu.find((m) => m.kind === "witness-cut")?.targets).toEqual(["eu", "us"]);
    const rounds = planRounds(menu, { seed: 7, rounds: 200, roundMs: 20_000, maxFaultsPerRound: 3 });
    const drawn = new Set(rounds.flat().map((f) => f.kind));
    for (const k of REGION_KINDS) expect(drawn.has(k), k).toBe(true);
    for (const round of rounds) expect(round.filter((f) => REGION_KINDS.includes(f.kind)).length).toBeLessThanOrEqual(1);
  });
});
