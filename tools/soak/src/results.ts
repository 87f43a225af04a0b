/**
 * Where soak runs are kept: one summary line per run in `<state folder>/soak/history.jsonl` (the
 * ops console's Chaos page lists them) and the run's whole operation history beside it in
 * `<state folder>/soak/runs/<time>.jsonl`, so a violation can be read in full context later.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SoakReport } from "./run.ts";

export const soakDir = (stateDir: string): string => join(stateDir, "soak");

export function saveRun(stateDir: string, r: SoakReport): { summary: string; history: string } {
  const dir = soakDir(stateDir);
  mkdirSync(join(dir, "runs"), { recursive: true });
  const history = join(dir, "runs", `${r.at.replace(/[:.]/g, "-")}.jsonl`);
  writeFileSync(history, r.history.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const { history: _events, ...summary } = r;
  const file = join(dir, "history.jsonl");
  appendFileSync(
    file,
    `${JSON.stringify({ ...summary, opsChecked: r.ops.ok + r.ops.fail + r.ops.info, historyFile: history })}\n`,
  );
  return { summary: file, history };
}
