import { describe, expect, it } from "vitest";
import { readinessGate } from "./readiness-gate.ts";

describe("readinessGate", () => {
  it("starts not ready and turns ready on the first successful probe", () => {
    const g = readinessGate();
    expect(g.ready).toBe(false);
    expect(g.observe(false)).toBe(false);
    expect(g.observe(true)).toBe(true);
  });

  it("stays ready through one failed probe and turns unready after two in a row", () => {
    const g = readinessGate({ failuresToUnready: 2 });
    g.observe(true);
    expect(g.observe(false)).toBe(true);
    expect(g.observe(true)).toBe(true);
    expect(g.observe(false)).toBe(true);
    expect(g.observe(false)).toBe(false);
  });

  it("is never ready again once the process drains, whatever the probe says", () => {
    let draining = false;
    const g = readinessGate({ isDraining: () => draining });
    expect(g.observe(true)).toBe(true);
    draining = true;
    expect(g.observe(true)).toBe(false);
  });
});
