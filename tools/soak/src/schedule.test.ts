import { describe, expect, it } from "vitest";
import { type MenuEntry, planRounds } from "./schedule.ts";

const menu: MenuEntry[] = [
  { kind: "process-kill", targets: ["storefront-1", "workers-sagas"], group: (t) => t },
  { kind: "postgres-primary-kill", targets: ["core", "shard-1"], group: (c) => `pg:${c}` },
  { kind: "link-latency", targets: ["core", "shard-1"], group: (c) => `pg:${c}` },
  { kind: "payment-outage", targets: ["payment-sim"], group: () => "payments" },
];
const opts = { seed: 42, rounds: 20, roundMs: 20_000, maxFaultsPerRound: 2 };

describe("seeded fault schedule", () => {
  it("gives the same schedule for the same seed and a different one for another seed", () => {
    expect(planRounds(menu, opts)).toEqual(planRounds(menu, opts));
    expect(planRounds(menu, { ...opts, seed: 43 })).not.toEqual(planRounds(menu, opts));
  });

  it("puts at least one fault in every round, never two on one cluster, all healed before the round ends", () => {
    for (const round of planRounds(menu, opts)) {
      expect(round.length).toBeGreaterThanOrEqual(1);
      const groups = round.map((f) => menu.find((m) => m.kind === f.kind)?.group(f.target));
      expect(new Set(groups).size).toBe(groups.length);
      for (const f of round) expect(f.atMs + f.durationMs).toBeLessThanOrEqual(opts.roundMs * 0.8);
    }
  });

  it("draws every kind of the menu over a long soak", () => {
    const kinds = new Set(planRounds(menu, { ...opts, rounds: 50 }).flat().map((f) => f.kind));
    expect([...kinds].sort()).toEqual(menu.map((m) => m.kind).sort());
  });
});
