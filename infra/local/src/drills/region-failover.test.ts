import { describe, expect, it } from "vitest";
import { edgeSeen, edgeTimeline, recoveryPoint, regionDrillPassed, spread } from "./region-failover.ts";

const ack = (seq: number, at: number, region: string) => ({ seq, at, region, ms: 5 });

describe("region failover report maths", () => {
  it("counts as RPO the writes eu acknowledged that the promoted copy lacks, and how long a stretch they span", () => {
    const acks = [ack(1, 100, "eu"), ack(2, 200, "eu"), ack(3, 300, "eu"), ack(4, 380, "eu"), ack(5, 2_000, "us")];
    // The copy had everything up to seq 2 when eu died.
    const rp = recoveryPoint(acks, new Set([1, 2, 5]), "eu");
    expect(rp.lost).toEqual([3, 4]);
    expect(rp.windowMs).toBe(80);
    expect(rp.lostAfterPromotion).toEqual([]);
  });

  it("reports a write acknowledged by the promoted region and then missing as lost after promotion", () => {
    const rp = recoveryPoint([ack(1, 100, "eu"), ack(2, 2_000, "us"), ack(3, 2_100, "us")], new Set([1, 2]), "eu");
    expect(rp.lostAfterPromotion).toEqual([3]);
    expect(rp.windowMs).toBe(0);
  });

  it("has an RPO of zero when the copy had every acknowledged write", () => {
    const rp = recoveryPoint([ack(1, 100, "eu"), ack(2, 150, "eu")], new Set([1, 2]), "eu");
    expect(rp.lost).toEqual([]);
    expect(rp.windowMs).toBe(0);
  });

  it("keeps only the changes of what an eu client saw at the edge", () => {
    const s = (at_ms: number, served_by: string | null, status: number) => ({ at_ms, served_by, status });
    const log = [s(0, "eu", 200), s(250, "eu", 200), s(500, "eu", 503), s(750, "eu", 503), s(1_000, null, 0), s(3_000, "us", 200), s(3_250, "us", 200)];
    expect(edgeTimeline(log)).toEqual([s(0, "eu", 200), s(500, "eu", 503), s(1_000, null, 0), s(3_000, "us", 200)]);
    // Counted from the loss on: answers by region, and the 503s and no-answers as errors.
    const seen = edgeSeen([s(-250, "eu", 200), ...log]);
    expect(seen.served).toEqual({ eu: 2, us: 2 });
    expect(seen.errors).toBe(3);
  });

  it("summarises commit times by median and p95, nothing when there were none", () => {
    expect(spread([])).toEqual({ p50: null, p95: null });
    expect(spread([10, 30, 20])).toEqual({ p50: 20, p95: 30 });
  });

  it("fails a drill that promoted nothing or lost a write us had acknowledged", () => {
    const base = { rto_ms: 5_000, replicas_converged: true, split_brain: false, region: { promoted: "us" } };
    const ok = base as unknown as Parameters<typeof regionDrillPassed>[0];
    expect(regionDrillPassed(ok)).toBe(true);
    expect(regionDrillPassed({ ...base, region: { promoted: null } } as unknown as typeof ok)).toBe(false);
    expect(regionDrillPassed({ ...base, replicas_converged: false } as unknown as typeof ok)).toBe(false);
    expect(regionDrillPassed({ ...base, rto_ms: null } as unknown as typeof ok)).toBe(false);
  });
});
