import { describe, expect, it } from "vitest";
import { placeable } from "./autoscaler.ts";

describe("placing the instances a scale-out wants on the host", () => {
  it("starts as many as the host's idle CPU covers at their request", () => {
    expect(
      placeable({ current: 2, wanted: 2, idleMillicores: 1_400, requestMillicores: 500 }),
    ).toBe(2);
    expect(
      placeable({ current: 2, wanted: 3, idleMillicores: 1_400, requestMillicores: 500 }),
    ).toBe(2);
    expect(placeable({ current: 1, wanted: 2, idleMillicores: 600, requestMillicores: 250 })).toBe(
      2,
    );
  });

  it("starts none on a saturated host: they stay pending", () => {
    expect(placeable({ current: 2, wanted: 2, idleMillicores: 30, requestMillicores: 500 })).toBe(
      0,
    );
    expect(placeable({ current: 1, wanted: 2, idleMillicores: 0, requestMillicores: 250 })).toBe(0);
  });

  it("always wakes a target that has no instance, however busy the host", () => {
    expect(placeable({ current: 0, wanted: 1, idleMillicores: 0, requestMillicores: 250 })).toBe(1);
    expect(placeable({ current: 0, wanted: 3, idleMillicores: 0, requestMillicores: 250 })).toBe(1);
    expect(placeable({ current: 0, wanted: 3, idleMillicores: 600, requestMillicores: 250 })).toBe(
      2,
    );
  });

  it("holds nothing back before the first host reading", () => {
    expect(
      placeable({ current: 2, wanted: 2, idleMillicores: undefined, requestMillicores: 500 }),
    ).toBe(2);
  });
});
