import { describe, expect, it } from "vitest";
import { instanceWeights, versionWeights } from "./traffic-split.ts";

const share = (s: number, c: number, w: { stable: number; canary: number }) => (c * w.canary) / (c * w.canary + s * w.stable);

describe("versionWeights", () => {
  it("gives the canary set exactly its share whatever the instance counts", () => {
    for (const [s, c, pct] of [[2, 1, 10], [2, 1, 50], [3, 2, 10], [8, 1, 25], [1, 8, 90]] as const) {
      const w = versionWeights({ stableVersion: "a", canaryVersion: "b", canaryWeight: pct }, s, c);
      expect(share(s, c, w)).toBeCloseTo(pct / 100, 2);
      expect(Math.max(w.stable, w.canary)).toBeLessThanOrEqual(256);
    }
  });
  it("0 % and no canary send everything to stable, 100 % everything to the canary", () => {
    expect(versionWeights({ stableVersion: "a", canaryVersion: "b", canaryWeight: 0 }, 2, 1)).toEqual({ stable: 100, canary: 0 });
    expect(versionWeights({ stableVersion: "a", canaryWeight: 50 }, 2, 0)).toEqual({ stable: 100, canary: 0 });
    expect(versionWeights({ stableVersion: "a", canaryVersion: "b", canaryWeight: 100 }, 2, 2)).toEqual({ stable: 0, canary: 100 });
  });
});

describe("instanceWeights", () => {
  it("weighs by version, counting only ready instances, and treats other versions as stable", () => {
    const members = [
      { version: "v1", ready: true },
      { version: "v1", ready: true },
      { version: "v2", ready: true },
      { version: "v2", ready: false },
      { version: "dev", ready: true },
    ];
    const weightOf = instanceWeights({ stableVersion: "v1", canaryVersion: "v2", canaryWeight: 10 }, members);
    expect(members.map(weightOf)).toEqual([90, 90, 30, 30, 90]);
  });
});
