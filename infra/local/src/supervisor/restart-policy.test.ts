import { describe, expect, it } from "vitest";
import { DEFAULT_RESTART_POLICY, decideRestart } from "./restart-policy.ts";

const policy = { ...DEFAULT_RESTART_POLICY, baseDelayMs: 1000, maxDelayMs: 8000 };

describe("restart policy", () => {
  it("doubles the delay for each restart inside the window, between half and all of the step", () => {
    const now = 100_000;
    const delays = [0, 1, 2, 3].map((n) => {
      const times = Array.from({ length: n }, (_, i) => now - 1000 * (i + 1));
      return [
        decideRestart(policy, times, now, () => 0),
        decideRestart(policy, times, now, () => 1),
      ];
    });
    expect(delays.map(([lo]) => (lo?.kind === "restart" ? lo.delayMs : -1))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(delays.map(([, hi]) => (hi?.kind === "restart" ? hi.delayMs : -1))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it("caps the delay at maxDelayMs", () => {
    const p = { ...policy, maxRestarts: 100 };
    const times = Array.from({ length: 10 }, (_, i) => 50_000 + i);
    const d = decideRestart(p, times, 60_000, () => 1);
    expect(d).toEqual({ kind: "restart", delayMs: 8000, attempt: 11 });
  });

  it("gives up after maxRestarts restarts within the window (crash loop)", () => {
    const times = [10_000, 20_000, 30_000, 40_000, 50_000];
    expect(decideRestart(policy, times, 60_000)).toEqual({ kind: "give-up", restartsInWindow: 5 });
  });

  it("forgets restarts older than the window: a process that crashed once an hour is restarted fast", () => {
    const times = [0, 1000, 2000, 3000, 4000];
    expect(decideRestart(policy, times, 3_600_000, () => 0)).toEqual({
      kind: "restart",
      delayMs: 500,
      attempt: 1,
    });
  });
});
