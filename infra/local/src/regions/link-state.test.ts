import { describe, expect, it } from "vitest";
import { applyLinkChange, HEALTHY_LINK, linkChangeSchema, linkFault, pairFault } from "./link-state.ts";

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

  it("gives each pair of sites its own fault: the witness stays reachable while the regions are cut", () => {
    const cut = applyLinkChange(HEALTHY_LINK, { mode: "cut" });
    expect(pairFault(cut, "us", "eu")).toMatchObject({ blackhole: true });
    expect(pairFault(cut, "eu", "us")).toMatchObject({ blackhole: true });
    expect(pairFault(cut, "eu", "witness")).toMatchObject({ blackhole: false, latencyMs: 20 });
    expect(pairFault(cut, "witness", "us")).toMatchObject({ blackhole: false, latencyMs: 20 });
    expect(pairFault(cut, "eu", "eu")).toMatchObject({ blackhole: false, latencyMs: 0 });
    const isolated = applyLinkChange(cut, { witness: { eu: "cut" } });
    expect(pairFault(isolated, "eu", "witness")).toMatchObject({ blackhole: true });
    expect(pairFault(isolated, "witness", "eu")).toMatchObject({ blackhole: true });
    expect(pairFault(isolated, "us", "witness")).toMatchObject({ blackhole: false });
    // Healing the regions' link leaves the witness links as they were.
    expect(applyLinkChange(isolated, { mode: "healthy" }).witness).toEqual({ eu: "cut", us: "healthy" });
  });

  it("keeps one-way as us → eu lost whichever side dials", () => {
    const oneWay = applyLinkChange(HEALTHY_LINK, { mode: "one-way" });
    // us dials eu: what us sends is lost; eu dials us: what comes back from us is lost.
    expect(pairFault(oneWay, "us", "eu").block).toBe("up");
    expect(pairFault(oneWay, "eu", "us").block).toBe("down");
  });

  it("refuses a witness link it does not know", () => {
    expect(linkChangeSchema.safeParse({ witness: { eu: "flaky" } }).success).toBe(false);
    expect(linkChangeSchema.safeParse({ witness: { asia: "cut" } }).success).toBe(false);
    expect(linkChangeSchema.safeParse({ witness: { us: "cut" } }).success).toBe(true);
  });
});
