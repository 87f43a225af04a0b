import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processEnv } from "../env/process-env.ts";
import { SHARD_NAMES, topology } from "../topology.ts";
import { writeFailoverState } from "./failover-state.ts";
import { regionPlacements } from "./region-placement.ts";

const KEYS = ["AGORA_REGIONS", "AGORA_BASE_PORT", "AGORA_STATE_DIR"] as const;

describe("where each region's data and processes live", () => {
  let saved: Partial<Record<(typeof KEYS)[number], string>>;
  beforeEach(() => {
    saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
    process.env.AGORA_BASE_PORT = "18000";
    process.env.AGORA_STATE_DIR = "/tmp/agora-region-placement-test";
  });
  afterEach(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("with one region, eu holds core's primary, every shard, the storefronts and the worker pools", () => {
    delete process.env.AGORA_REGIONS;
    const [eu, ...rest] = regionPlacements(topology("test"));
    expect(rest).toEqual([]);
    expect(eu?.name).toBe("eu");
    expect(eu?.holdsCorePrimary).toBe(true);
    expect(eu?.primaries).toEqual(["core", ...SHARD_NAMES]);
    expect(eu?.workers).toContain("workers-sagas");
    expect(eu?.storefronts.length).toBeGreaterThan(0);
  });

  it("with two, us keeps a read-only copy of core, its own storefront and Redis, and no worker pool", () => {
    process.env.AGORA_REGIONS = "2";
    const [, us] = regionPlacements(topology("test"));
    expect(us).toMatchObject({ name: "us", holdsCorePrimary: false, primaries: [], copies: ["core-us"], workers: [] });
    expect(us?.storefronts).toEqual(["storefront-us-1"]);
    expect(us?.redis).toEqual(["redis-us-1", "redis-us-2"]);
  });

  it("after a region failover, the promoted region holds core's primary and runs the failover workers", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const r = t.remoteRegions[0]!;
    writeFailoverState(r, { coreRegion: r.name, promotedAt: "2026-12-06T10:00:00.000Z", drillId: "d" });
    try {
      const [eu, us] = regionPlacements(t);
      expect(eu).toMatchObject({ holdsCorePrimary: false, primaries: [...SHARD_NAMES] });
      expect(us).toMatchObject({ name: "us", holdsCorePrimary: true, primaries: ["core"], copies: [] });
      expect(us?.workers).toContain("workers-sagas-us-1");
    } finally {
      rmSync(r.failoverStateFile, { force: true });
    }
  });

  it("tells every process where each shard's primary runs, so vendors are placed in their home region", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const expected = SHARD_NAMES.map((s) => `${s}=eu`).join(",");
    expect(processEnv(t, "storefront-1").AGORA_SHARD_REGIONS).toBe(expected);
    expect(processEnv(t, "storefront-us-1").AGORA_SHARD_REGIONS).toBe(expected);
  });
});
