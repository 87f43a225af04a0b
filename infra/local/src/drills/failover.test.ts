import { describe, expect, it } from "vitest";
import { detectSplitBrain } from "./failover.ts";

describe("detectSplitBrain", () => {
  it("accepts a single hand-over from the old primary to the new one", () => {
    expect(detectSplitBrain([{ at: 1, port: 1 }, { at: 2, port: 1 }, { at: 5, port: 2 }, { at: 6, port: 2 }])).toBe(false);
  });

  it("flags an old primary that acknowledges a write after the new one took over", () => {
    expect(detectSplitBrain([{ at: 1, port: 1 }, { at: 5, port: 2 }, { at: 6, port: 1 }, { at: 7, port: 2 }])).toBe(true);
  });

  it("orders by acknowledgement time, not by arrival in the list", () => {
    expect(detectSplitBrain([{ at: 6, port: 2 }, { at: 1, port: 1 }, { at: 5, port: 2 }])).toBe(false);
  });
});
