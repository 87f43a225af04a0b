import { describe, expect, it } from "vitest";
import { longestWriteGap } from "./write-gap.ts";

describe("longestWriteGap", () => {
  it("measures the stretch without acknowledgements that follows the fault", () => {
    expect(longestWriteGap([90, 95, 100, 400, 410, 420], 100, 500)).toBe(300);
  });

  it("counts a gap that began before the fault from the fault on", () => {
    expect(longestWriteGap([10, 20, 350, 360], 100, 400)).toBe(250);
  });

  it("finds the gap even when the old primary kept acknowledging for a while after the fault", () => {
    // A frozen Patroni: its Postgres acknowledges until HAProxy fences it at ~200, the new
    // primary takes writes from 700.
    expect(longestWriteGap([120, 150, 190, 700, 710], 100, 800)).toBe(510);
  });

  it("runs to the end of the drill when no write was acknowledged after the fault", () => {
    expect(longestWriteGap([10, 20], 100, 900)).toBe(800);
  });

  it("accepts acknowledgements in any order", () => {
    expect(longestWriteGap([410, 100, 400, 420], 100, 430)).toBe(300);
  });
});
