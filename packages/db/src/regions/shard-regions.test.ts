import { describe, expect, it } from "vitest";
import { loadConfig, regionSchema } from "@agora/config";
import { NoShardInRegionError, shardRegions, shardsInRegion } from "./shard-regions.ts";

describe("vendor placement by home region", () => {
  it("puts a shard the placement does not name in the core region", () => {
    expect(shardRegions(["shard-1", "shard-2"], { "shard-2": "us" }, "eu")).toEqual({ "shard-1": "eu", "shard-2": "us" });
  });

  it("offers a vendor only the shards of its home region", () => {
    const regions = { "shard-1": "eu", "shard-2": "us", "shard-3": "eu" };
    expect(shardsInRegion("eu", regions)).toEqual(["shard-1", "shard-3"]);
    expect(shardsInRegion("us", regions)).toEqual(["shard-2"]);
  });

  it("refuses a home region without a shard, with a typed error naming the placement", () => {
    const err = (() => {
      try {
        shardsInRegion("us", { "shard-1": "eu" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NoShardInRegionError);
    expect((err as NoShardInRegionError).code).toBe("NO_SHARD_IN_REGION");
    expect((err as Error).message).toMatch(/shard-1=eu/);
  });

  it("reads the placement the topology writes, and refuses a malformed one", () => {
    const read = (v: string) => loadConfig({ region: regionSchema }, { AGORA_SHARD_REGIONS: v }).region.AGORA_SHARD_REGIONS;
    expect(read("shard-1=eu, shard-2=us")).toEqual({ "shard-1": "eu", "shard-2": "us" });
    expect(() => read("shard-1")).toThrow(/shard=region/);
    expect(() => read("shard-1=EU")).toThrow(/shard=region/);
  });
});
