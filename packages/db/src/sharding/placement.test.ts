import { describe, expect, it } from "vitest";
import { chooseShard } from "./placement.ts";

describe("chooseShard", () => {
  it("places a vendor on the shard with the fewest vendors", () => {
    expect(chooseShard({ "shard-1": 5, "shard-2": 3 }, ["shard-1", "shard-2"])).toBe("shard-2");
  });
  it("breaks ties by the lowest shard name", () => {
    expect(chooseShard({ "shard-2": 2, "shard-1": 2 }, ["shard-2", "shard-1"])).toBe("shard-1");
  });
  it("counts a shard without vendors as empty", () => {
    expect(chooseShard({ "shard-1": 1 }, ["shard-1", "shard-2"])).toBe("shard-2");
  });
  it("spreads consecutive new vendors evenly", () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 6; i++) {
      const s = chooseShard(counts, ["shard-1", "shard-2"]);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    expect(counts).toEqual({ "shard-1": 3, "shard-2": 3 });
  });
});
