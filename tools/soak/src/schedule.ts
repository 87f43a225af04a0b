/**
 * The nemesis's plan: which faults each round injects, when, and for how long — drawn from a seeded
 * PRNG (the seed data's mulberry32), so the same seed and menu give the same schedule on every
 * machine and a failing soak can be replayed. Pure: the menu is a list of fault kinds with their
 * targets; what a kind does lives in faults.ts.
 */
import { mulberry32 } from "@agora/db/seed";

export interface MenuEntry {
  kind: string;
  targets: readonly string[];
  /** Faults on the same group are not combined in one round (one cluster loses one thing at a time). */
  group: (target: string) => string;
}

export interface PlannedFault {
  kind: string;
  target: string;
  /** ms after the round's start. */
  atMs: number;
  durationMs: number;
}

export interface ScheduleOptions {
  seed: number;
  rounds: number;
  roundMs: number;
  /** Faults per round, at most (at least one). */
  maxFaultsPerRound: number;
}

export function planRounds(menu: readonly MenuEntry[], o: ScheduleOptions): PlannedFault[][] {
  const rng = mulberry32(o.seed);
  const choices = menu.flatMap((m) => m.targets.map((target) => ({ m, target })));
  if (choices.length === 0) throw new Error("the fault menu is empty");
  const out: PlannedFault[][] = [];
  for (let r = 0; r < o.rounds; r++) {
    const n = rng.int(1, o.maxFaultsPerRound);
    const groups = new Set<string>();
    const round: PlannedFault[] = [];
    for (let tries = 0; round.length < n && tries < 20; tries++) {
      const c = rng.pick(choices);
      const group = c.m.group(c.target);
      if (groups.has(group)) continue;
      groups.add(group);
      // Faults start in the first half of the round and end before its last fifth, so every
      // round also sees the system recovering under load.
      const atMs = rng.int(Math.floor(o.roundMs * 0.1), Math.floor(o.roundMs * 0.5));
      const durationMs = rng.int(Math.floor(o.roundMs * 0.15), Math.floor(o.roundMs * 0.8) - atMs);
      round.push({ kind: c.m.kind, target: c.target, atMs, durationMs });
    }
    out.push(round.sort((a, b) => a.atMs - b.atMs));
  }
  return out;
}
