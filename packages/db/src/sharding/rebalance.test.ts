import { describe, expect, it } from "vitest";
import { proposeMoves } from "./rebalance.ts";

const shard = (name: string, loads: number[]) => ({
  shard: name,
  vendors: loads.map((load, i) => ({ vendorId: `${name}-v${i}`, load })),
});

describe("proposeMoves", () => {
  it("moves vendors from the hot shard to the cold one until they are within tolerance", () => {
    const moves = proposeMoves([shard("shard-1", [50, 30, 20, 10, 10]), shard("shard-2", [10])]);
    // Gap 110: the biggest vendor ≤ 55 is 50 → 70 vs 60, within 10 % of the mean (65).
    expect(moves).toEqual([{ vendorId: "shard-1-v0", from: "shard-1", to: "shard-2", load: 50 }]);
  });

  it("keeps a vendor bigger than half the gap where it is (moving it would only swap the hot shard)", () => {
    expect(proposeMoves([shard("shard-1", [100]), shard("shard-2", [10])])).toEqual([]);
  });

  it("proposes nothing for balanced shards, one shard, or idle vendors", () => {
    expect(proposeMoves([shard("shard-1", [10, 10]), shard("shard-2", [19])])).toEqual([]);
    expect(proposeMoves([shard("shard-1", [10, 10])])).toEqual([]);
    expect(proposeMoves([shard("shard-1", [0, 0, 0]), shard("shard-2", [])])).toEqual([]);
  });

  it("spreads over several shards and stops at maxMoves", () => {
    const moves = proposeMoves([shard("a", [40, 40, 40, 40]), shard("b", []), shard("c", [])], {
      maxMoves: 2,
    });
    expect(moves).toHaveLength(2);
    expect(new Set(moves.map((m) => m.to))).toEqual(new Set(["b", "c"]));
    expect(moves.every((m) => m.from === "a")).toBe(true);
  });

  it("never makes the shards less balanced than it found them", () => {
    for (let seed = 1; seed <= 50; seed++) {
      let x = seed;
      const rnd = () => ((x = (x * 16807) % 2147483647) % 100) + 1;
      const shards = ["s1", "s2", "s3"].map((s) =>
        shard(s, Array.from({ length: (rnd() % 6) + 1 }, rnd)),
      );
      const spread = (totals: number[]) => Math.max(...totals) - Math.min(...totals);
      const before = shards.map((s) => s.vendors.reduce((a, v) => a + v.load, 0));
      const after = [...before];
      for (const m of proposeMoves(shards)) {
        after[["s1", "s2", "s3"].indexOf(m.from)]! -= m.load;
        after[["s1", "s2", "s3"].indexOf(m.to)]! += m.load;
      }
      expect(spread(after)).toBeLessThanOrEqual(spread(before));
    }
  });
});
