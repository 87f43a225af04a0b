import { describe, expect, it } from "vitest";
import { HEALTHY_LINK, linkChangeSchema, linkFault } from "./link-state.ts";

describe("region link modes", () => {
  it("adds half the round trip in each direction when healthy (80 ms by default)", () => {
    expect(linkFault(HEALTHY_LINK)).toMatchObject({ latencyMs: 40, blackhole: false, block: "none", dropRate: 0 });
  });

  it("lets nothing through when cut, keeps eu → us when one-way, and resets some connections when flaky", () => {
    expect(linkFault({ mode: "cut", rttMs: 80 })).toMatchObject({ blackhole: true });
    expect(linkFault({ mode: "one-way", rttMs: 80 })).toMatchObject({ blackhole: false, block: "up" });
    const flaky = linkFault({ mode: "flaky", rttMs: 80 });
    expect(flaky.dropRate).toBeGreaterThan(0);
    expect(flaky.jitterMs).toBeGreaterThan(0);
    expect(flaky.cutPerSecond).toBeGreaterThan(0);
  });

  it("refuses a mode or latency it does not know", () => {
    expect(linkChangeSchema.safeParse({ mode: "sideways" }).success).toBe(false);
    expect(linkChangeSchema.safeParse({ rttMs: -1 }).success).toBe(false);
    expect(linkChangeSchema.safeParse({ rttMs: 150 }).success).toBe(true);
  });
});
