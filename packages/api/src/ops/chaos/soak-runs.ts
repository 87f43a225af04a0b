/**
 * The console's list of fault soaks (`npm run chaos:soak`, tools/soak): each run's rounds, faults
 * injected, operations checked and violations, from the summary lines the soak appends (locally
 * `<state folder>/soak/history.jsonl`). A line that is not a soak run is skipped, not fatal: the
 * file is written by a tool outside the API.
 */
import { z } from "zod";
import { opsBackend } from "../backend.ts";

const soakLineSchema = z.object({
  at: z.string(),
  seed: z.number(),
  rounds: z.number(),
  durationMs: z.number(),
  faults: z.array(z.object({ kind: z.string(), error: z.string().nullable() })),
  ops: z.object({ ok: z.number(), fail: z.number(), info: z.number() }),
  violations: z.array(z.object({ check: z.string(), detail: z.string() })),
});

export interface SoakRunView {
  at: string;
  seed: number;
  rounds: number;
  durationS: number;
  /** Faults injected (ones that could not be are not counted). */
  faults: number;
  faultKinds: string[];
  opsChecked: number;
  indeterminate: number;
  violations: { check: string; detail: string }[];
}

export interface SoakRunsOverview {
  available: boolean;
  runs: SoakRunView[];
  skipped: number;
}

export function soakRunsFrom(lines: readonly unknown[]): Omit<SoakRunsOverview, "available"> {
  const runs: SoakRunView[] = [];
  let skipped = 0;
  for (const line of lines) {
    const r = soakLineSchema.safeParse(line);
    if (!r.success) {
      skipped++;
      continue;
    }
    const s = r.data;
    const injected = s.faults.filter((f) => f.error === null);
    runs.push({
      at: s.at,
      seed: s.seed,
      rounds: s.rounds,
      durationS: Math.round(s.durationMs / 1000),
      faults: injected.length,
      faultKinds: [...new Set(injected.map((f) => f.kind))].sort(),
      opsChecked: s.ops.ok + s.ops.fail + s.ops.info,
      indeterminate: s.ops.info,
      violations: s.violations.map((v) => ({ check: v.check, detail: v.detail })),
    });
  }
  // Newest first: the list reads as a log.
  runs.sort((a, b) => b.at.localeCompare(a.at));
  return { runs, skipped };
}

export async function soakRuns(): Promise<SoakRunsOverview> {
  const lines = await opsBackend().soakHistory();
  if (lines === null) return { available: false, runs: [], skipped: 0 };
  return { available: true, ...soakRunsFrom(lines) };
}
